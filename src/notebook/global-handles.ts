// Servers and tunnels started from a notebook outlive the cell that started them, and running the
// cell again must not leave the old one listening. Handles are kept on globalThis under a symbol
// (the kernel's one process is the only place they can live), and the old one is closed first.

export interface Closable {
  close(): Promise<void>;
}

const slot = (name: string): symbol => Symbol.for(`authbook.notebook.${name}`);
const registry = globalThis as unknown as Record<symbol, Closable | undefined>;

/** The handle a cell kept under `name`, if it is still there. */
export const globalHandle = <T extends Closable>(name: string): T | undefined => registry[slot(name)] as T | undefined;

/** Closes and forgets the handle kept under `name`; false when there was none. */
export async function closeGlobalHandle(name: string): Promise<boolean> {
  const previous = registry[slot(name)];
  if (!previous) return false;
  delete registry[slot(name)];
  await previous.close();
  return true;
}

/**
 * Closes what an earlier run left under `name`, starts a new one and keeps it there.
 *
 * @example
 * const server = await replaceGlobalHandle('server', () => startTutorialServer());
 */
export async function replaceGlobalHandle<T extends Closable>(name: string, start: () => Promise<T>): Promise<T> {
  await closeGlobalHandle(name);
  const handle = await start();
  registry[slot(name)] = handle;
  return handle;
}
