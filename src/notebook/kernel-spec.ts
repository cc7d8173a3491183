// Registers the tslab TypeScript kernel inside the project (.jupyter/), under a name of our own, so
// it cannot clash with or replace a kernel the learner installed globally. `tslab install` always
// names its kernel "tslab", so the kernelspec (a small JSON file, Jupyter's documented format) is
// written here directly; it starts this project's tslab with the Node that registered it. Beside
// it, a Jupyter config file makes the notebooks' "Source:" links open .ts files as text.
import fs from 'node:fs';
import path from 'node:path';

/** The kernelspec name the notebooks' metadata names; what `registerKernel` installs. */
export const KERNEL_NAME = 'authbook-tslab';
export const KERNEL_DISPLAY_NAME = 'TypeScript (authbook)';

/** The package root: this file is src/notebook/ or dist/notebook/, two levels below it. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** The folder to put on JUPYTER_PATH: kernels are found in its kernels/ subfolder. */
export const jupyterDataDir = (root: string = PROJECT_ROOT): string => path.join(root, '.jupyter', 'share', 'jupyter');

/**
 * Writes `.jupyter/share/jupyter/kernels/authbook-tslab/kernel.json` and returns its path.
 * Needs no Python and no Jupyter: run it before or after installing Jupyter.
 *
 * @example
 * registerKernel(); // then start Jupyter with jupyterEnv() as its environment
 */
export function registerKernel(root: string = PROJECT_ROOT): string {
  const tslab = path.join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  if (!fs.existsSync(tslab)) throw new Error(`tslab is not installed at ${tslab}: run npm install first`);
  const dir = path.join(jupyterDataDir(root), 'kernels', KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  const spec = {
    // process.execPath: Jupyter may be started from a desktop without this Node on its PATH.
    argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
  };
  const file = path.join(dir, 'kernel.json');
  fs.writeFileSync(file, JSON.stringify(spec, null, 2) + '\n');
  return file;
}

/** The folder to put on JUPYTER_CONFIG_PATH. */
export const jupyterConfigDir = (root: string = PROJECT_ROOT): string => path.join(root, '.jupyter', 'config');

// Python guesses .ts is a Qt translation file (or an MPEG stream), so Jupyter would serve the
// source files as something a browser downloads; the classic Notebook and Jupyter Server read these.
const SOURCE_AS_TEXT = `# Written by authbook (src/notebook/kernel-spec.ts): serve TypeScript source as text.
import mimetypes
mimetypes.add_type('text/plain', '.ts')
`;

/** Writes the config files that make Jupyter show src/*.ts as text; returns the folder. */
export function writeJupyterConfig(root: string = PROJECT_ROOT): string {
  const dir = jupyterConfigDir(root);
  fs.mkdirSync(dir, { recursive: true });
  for (const name of ['jupyter_notebook_config.py', 'jupyter_server_config.py']) fs.writeFileSync(path.join(dir, name), SOURCE_AS_TEXT);
  return dir;
}

/** `env` with the project's Jupyter data and config folders first on JUPYTER_PATH and JUPYTER_CONFIG_PATH. */
export function jupyterEnv(root: string = PROJECT_ROOT, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const first = (folder: string, existing: string | undefined) => [folder, ...(existing ? [existing] : [])].join(path.delimiter);
  return { ...env, JUPYTER_PATH: first(jupyterDataDir(root), env.JUPYTER_PATH), JUPYTER_CONFIG_PATH: first(jupyterConfigDir(root), env.JUPYTER_CONFIG_PATH) };
}
