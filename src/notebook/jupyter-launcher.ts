// `npm run notebook`: register the kernel, find Jupyter (Lab, else the classic Notebook), and start
// it at the project root with the first notebook open: served from the root, the notebooks' "Source:"
// links reach src/. When Jupyter is missing it says exactly how to get it; on Debian as root (a
// container, a workshop VM) it installs the Debian packages itself, saying what it runs.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { jupyterEnv, PROJECT_ROOT, registerKernel, writeJupyterConfig } from './kernel-spec';

export const JUPYTER_INSTALL_HINT = `Jupyter is not installed (no "jupyter lab" or "jupyter notebook" on PATH). Get it with one of:
  pip install jupyterlab                                   (or: pip install notebook)
  sudo apt-get install jupyter-notebook jupyter-nbconvert  (Debian, Ubuntu)
then run "npm run notebook" again.`;

const DEBIAN_PACKAGES = ['jupyter-notebook', 'jupyter-nbconvert'];

export type JupyterApp = 'lab' | 'notebook';

/** Which Jupyter front end answers on PATH, Lab first; null when neither does. */
export function findJupyterApp(env: NodeJS.ProcessEnv = process.env): JupyterApp | null {
  for (const app of ['lab', 'notebook'] as const) {
    if (spawnSync('jupyter', [app, '--version'], { env, stdio: 'ignore' }).status === 0) return app;
  }
  return null;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** Debian (or Ubuntu) and root: the one case where installing for the learner is safe to do. */
const canInstallWithApt = (): boolean => process.platform === 'linux' && isRoot() && fs.existsSync('/etc/debian_version');

function installWithApt(): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  console.log(`Jupyter is missing; installing the Debian packages: apt-get install -y ${DEBIAN_PACKAGES.join(' ')}`);
  const installed =
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env }).status === 0 &&
    spawnSync('apt-get', ['install', '-y', ...DEBIAN_PACKAGES], { stdio: 'inherit', env }).status === 0;
  if (!installed) console.error('apt-get could not install them.');
  return installed;
}

/** The notebook Jupyter opens first, relative to the project root it serves. */
const FIRST_NOTEBOOK = path.join('notebooks', '01-install.ipynb');

/**
 * Registers the kernel and runs Jupyter at the project root until it exits; `args` go to Jupyter
 * (e.g. `--no-browser --ip=0.0.0.0`). Resolves with Jupyter's exit code.
 *
 * @example
 * process.exitCode = await openTutorial(['--no-browser']);
 */
export async function openTutorial(args: string[] = [], root: string = PROJECT_ROOT): Promise<number> {
  registerKernel(root);
  writeJupyterConfig(root);
  const env = jupyterEnv(root);
  let app = findJupyterApp(env);
  if (app === null && canInstallWithApt() && installWithApt()) app = findJupyterApp(env);
  if (app === null) {
    console.error(JUPYTER_INSTALL_HINT);
    return 1;
  }
  // Jupyter serves its working folder and opens the file it is given. It refuses to run as root
  // unless told (containers often are).
  const jupyterArgs = [app, FIRST_NOTEBOOK, ...(isRoot() ? ['--allow-root'] : []), ...args];
  console.log(`Starting: jupyter ${jupyterArgs.join(' ')}\nOpen the numbered notebooks in notebooks/ in order; choose the "TypeScript (authbook)" kernel if asked.`);
  const child = spawn('jupyter', jupyterArgs, { cwd: root, env, stdio: 'inherit' });
  // Ctrl-C reaches Jupyter too (same terminal), and Jupyter asks before shutting down: this process
  // waits for it. A SIGTERM (a process manager, `timeout`) is passed on, so no Jupyter is orphaned.
  const ignoreInterrupt = () => {};
  const forwardTerminate = () => child.kill('SIGTERM');
  process.on('SIGINT', ignoreInterrupt);
  process.on('SIGTERM', forwardTerminate);
  return new Promise((resolve) => {
    const done = (code: number) => {
      process.off('SIGINT', ignoreInterrupt);
      process.off('SIGTERM', forwardTerminate);
      resolve(code);
    };
    child.on('error', (error) => {
      console.error(`could not start jupyter: ${error.message}`);
      done(1);
    });
    child.on('exit', (code) => done(code ?? 1));
  });
}
