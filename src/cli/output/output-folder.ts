// An output's folder checked before anything connects: a run must not spend a request to fail at the end.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SmallestTtsError } from '../../core/errors.js';

/** Throws (exit 1, with the next step) when `path` cannot be created: its folder is missing, not a folder, or not writable. */
export function checkOutputFolder(path: string): void {
  const folder = dirname(resolve(path));
  let why: string | undefined;
  let hint: string | undefined;
  try {
    if (!statSync(folder).isDirectory()) {
      why = `${dirname(path)} is not a folder`;
      hint = 'Name a path in a folder that exists.';
    } else {
      accessSync(folder, constants.W_OK);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      why = 'permission denied';
      hint = 'Choose a folder you can write to, or check its permissions.';
    } else if (code === 'EROFS') {
      why = 'its folder is on a read-only file system (EROFS)';
      hint = 'Name a path on a writable disk.';
    } else {
      why = 'its folder does not exist';
      hint = `Create it first (mkdir -p ${dirname(path)}), or name a path in a folder that exists.`;
    }
  }
  if (why) throw new SmallestTtsError(`Cannot write ${path}: ${why}.`, { hint });
}
