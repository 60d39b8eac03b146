// Where an output path really leads: a regular file (written beside it and renamed), or something written in place.
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export type OutputTarget =
  /** A device, FIFO, /dev/stdout or /proc/self/fd/N: renaming over it would replace it, so it is written in place. */
  | { kind: 'in-place'; path: string }
  /** A regular file (new or existing) at `path` — a symlink's target, so the link stays a link. */
  | { kind: 'file'; path: string; tempPath: string; mode: number }
  | { kind: 'directory'; path: string };

const STDOUT_NAMES = /^\/(dev\/stdout|dev\/fd\/1|proc\/self\/fd\/1|proc\/\d+\/fd\/1)$/;

/** Whether `path` names fd 1, directly or through links (opening it by name fails when stdout is a socket). */
export async function leadsToStdout(path: string): Promise<boolean> {
  let current = path;
  for (let hops = 0; hops < 16; hops++) {
    if (STDOUT_NAMES.test(current)) return true;
    const target = await readlink(current).catch(() => null);
    if (target === null) return false;
    current = isAbsolute(target) ? target : join(dirname(current), target);
  }
  return false;
}

/** Resolves `path` without writing anything. */
export async function outputTarget(path: string): Promise<OutputTarget> {
  if (path.endsWith('/')) return { kind: 'directory', path }; // "x.wav/" names a folder
  let resolved = path;
  const link = await lstat(path).catch(() => null);
  if (link?.isSymbolicLink()) resolved = await realpath(path).catch(() => path);
  if (/^\/(dev|proc)\//.test(resolved) || /^\/(dev|proc)\//.test(path)) return { kind: 'in-place', path };
  const existing = await stat(resolved).catch(() => null);
  if (existing?.isDirectory()) return { kind: 'directory', path };
  if (existing && !existing.isFile()) return { kind: 'in-place', path };
  const tempPath = join(dirname(resolved), `.${basename(resolved)}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
  return { kind: 'file', path: resolved, tempPath, mode: existing ? existing.mode & 0o777 : 0o666 };
}
