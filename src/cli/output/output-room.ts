// Before `say` pays for a request: can the output file's folder take a file at all?
import { realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFailure } from '../../audio/byte-target.js';
import { probeFolder } from '../../core/files/probe-folder.js';

/**
 * A regular file (or one not there yet, or a link to one) on a full disk or a read-only mount
 * fails now, before the request, not after its audio is bought (encoders write nothing until
 * audio arrives). Devices and FIFOs are written in place: they are not probed.
 */
export async function checkOutputRoom(path: string): Promise<void> {
  const target = await realpath(path).catch(() => path); // not there yet: its folder is where it goes
  const info = await stat(target).catch(() => null);
  if (info && !info.isFile()) return;
  await probeFolder(dirname(target)).catch((error: unknown) => {
    throw writeFailure(path, error);
  });
}
