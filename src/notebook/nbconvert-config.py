# Loaded by `jupyter nbconvert --config` when the notebook tests and `npm run tutorial:html` execute a
# notebook (src/notebook/nbconvert.ts). tslab answers a failing cell with an empty traceback, so
# nbclient's own error says nothing useful: print the cell's source and what it wrote to stderr (where
# tslab puts the error), unless the cell is tagged to fail on purpose.
import sys


def report_failed_cell(cell, cell_index, execute_reply, **_):
    if 'raises-exception' in cell.metadata.get('tags', []):
        return
    stderr = ''.join(
        output.get('text', '')
        for output in cell.get('outputs', [])
        if output.get('output_type') == 'stream' and output.get('name') == 'stderr'
    )
    print(f'NOTEBOOK CELL {cell_index} FAILED\n--- source ---\n{cell.source}\n--- stderr ---\n{stderr}', file=sys.stderr)


c.ExecutePreprocessor.on_cell_error = report_failed_cell  # noqa: F821 (c is the config object Jupyter provides)

# A kernel whose notebook leaves a server running does not end when asked to; Jupyter then sends it
# SIGTERM after half of this wait (default 5 s), which ends it after its clean-ups (kernel-exit.ts).
c.KernelManager.shutdown_wait_time = 1.0  # noqa: F821
