// Creating an output folder and its parents without Node's recursive mkdir, which never returns under /proc.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SmallestTtsError } from '../errors.js';

/**
 * mkdir -p, one level at a time: Node's recursive mkdir loops for ever under /proc (ENOENT, then
 * EEXIST for the parent), where a plain mkdir simply fails.
 */
export async function makeFolders(path: string): Promise<void> {
  const missing: string[] = [];
  for (let p = resolve(path); !(await stat(p).catch(() => null)); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const folder of missing) {
    await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw new SmallestTtsError(`Cannot create the output folder ${path}: ${error.code ?? error.message}.`, { cause: error });
    });
  }
}

