// Whether a batch's output folder can keep what is bought: checked before the first request, and
// recognised in a write's failure, so a full disk stops the batch instead of failing every item.
import { SmallestTtsError } from '../../core/errors.js';
import { probeFolder } from '../../core/files/probe-folder.js';

/** Failures of the folder, not of one item: every further item would fail the same way. */
const FOLDER_WIDE: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
};
/** Failures of the probe, which writes nothing but its own file. */
const PROBE: Record<string, string> = { ...FOLDER_WIDE, EACCES: 'permission denied', EPERM: 'permission denied', ENOENT: 'no such folder', ENOTDIR: 'not a folder' };

/** The output folder cannot keep audio: the batch stops before spending on more requests. */
export class OutputFolderError extends SmallestTtsError {
  readonly code: string;
  readonly folder: string;
  /** The result of the item whose write failed, when one did (the probe has none). */
  readonly item?: unknown;
  constructor(folder: string, code: string, cause?: unknown, item?: unknown) {
    super(`Cannot write to ${folder}: ${PROBE[code] ?? code} (${code}); no further requests were sent.`, { cause });
    this.code = code;
    this.folder = folder;
    this.item = item;
  }
}

/** The errno code of a folder-wide write failure anywhere in `error`'s cause chain, if it is one. */
export function folderWideFailure(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && FOLDER_WIDE[code]) return code;
  }
  return undefined;
}

/** Probes `folder` (see probeFolder): a full disk, a read-only mount or a folder without permission is an OutputFolderError. */
export async function probeOutputFolder(folder: string): Promise<void> {
  await probeFolder(folder).catch((error: NodeJS.ErrnoException) => {
    throw new OutputFolderError(folder, error.code ?? 'EIO', error);
  });
}
