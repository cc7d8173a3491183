// Registers the tslab TypeScript kernel inside the project (.jupyter/), under a name of our own, so
// it cannot clash with or replace a kernel the learner installed globally. `tslab install` always
// names its kernel "tslab", so the kernelspec (a small JSON file, Jupyter's documented format) is
// written here directly; it starts this project's tslab with the Node that registered it.
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

/** `env` with the project's Jupyter data folder first on JUPYTER_PATH. */
export function jupyterEnv(root: string = PROJECT_ROOT, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const existing = env.JUPYTER_PATH ? [env.JUPYTER_PATH] : [];
  return { ...env, JUPYTER_PATH: [jupyterDataDir(root), ...existing].join(path.delimiter) };
}
