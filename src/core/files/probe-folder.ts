// Whether a folder can take a file at all: one byte written and removed, under a name the stale
// temporary-file sweeps know, so a full disk or a read-only mount is found before a request is paid for.
import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { trackTemp } from './temp-files.js';

/** Resolves when `folder` took a one-byte file; rejects with the errno error (ENOSPC, EROFS, EACCES, …) when not. */
export async function probeFolder(folder: string): Promise<void> {
  const path = join(folder, `.smallest-tts-probe.${process.pid}.${randomBytes(4).toString('hex')}.part`);
  const forget = trackTemp(path); // a process that must exit at once (a second signal) removes it too
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
    await handle.write(Buffer.from([0]));
    const closing = handle;
    handle = undefined;
    await closing.close(); // a network file system may report a full disk only here
  } finally {
    await handle?.close().catch(() => {});
    await unlink(path).catch(() => {});
    forget();
  }
}
