// Files that hold password hashes, sessions or the signing secret are created readable by the
// service's user only. Only what we create: an operator's existing files and folders keep their modes.
import fs from 'node:fs';

export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_FOLDER_MODE = 0o700;

/** Creates `folder` and any missing parents as 0700; an existing folder is left as it is. */
export function createPrivateFolder(folder: string): void {
  fs.mkdirSync(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
}

/** Creates `file` empty and 0600 unless it exists (then nothing changes). */
export function createPrivateFileIfMissing(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
