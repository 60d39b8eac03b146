// Where an output path really leads, by one rule for every output (-o, subtitles, /save, batch):
// a link is written through to its target; a device or FIFO is written in place; a regular file
// (new or existing) is written beside itself and renamed into place. Files are compared as files.
import { accessSync, constants, lstatSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

type OutputTarget =
  /** A device, FIFO, /dev/stdout or /proc/self/fd/N: renaming over it would replace it, so it is written in place. */
  | { kind: 'in-place'; path: string; fifo: boolean }
  /** A regular file (new or existing) at `path` — a symlink's target, so the link stays a link. */
  | { kind: 'file'; path: string; tempPath: string; mode: number }
  | { kind: 'directory'; path: string };

const STDOUT_NAMES = /^\/(dev\/stdout|dev\/fd\/1|proc\/self\/fd\/1|proc\/\d+\/fd\/1)$/;
/** The longest file name most file systems take, in bytes. */
const NAME_MAX = 255;
const MAX_HOPS = 40;

/** Whether `path` names fd 1, directly or through links (opening it by name fails when stdout is a socket). */
export async function leadsToStdout(path: string): Promise<boolean> {
  let current = path;
  for (let hops = 0; hops < 16; hops++) {
    if (STDOUT_NAMES.test(current)) return true;
    const target = readlinkOrNull(current);
    if (target === null) return false;
    current = isAbsolute(target) ? target : join(dirname(current), target);
  }
  return false;
}

function readlinkOrNull(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * The path a write to `path` lands on: links followed to the end, even a dangling one (writing
 * creates its target), with the folder made canonical. Stops at /dev and /proc, whose links name
 * descriptors.
 */
function finalPath(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < MAX_HOPS && !/^\/(dev|proc)\//.test(current); hops++) {
    const target = readlinkOrNull(current);
    if (target === null) break;
    current = resolve(dirname(current), target);
  }
  try {
    return join(realpathSync(dirname(current)), basename(current));
  } catch {
    return current;
  }
}

/** Whether `path` itself is a symbolic link (after finalPath(), only when its links loop). */
export function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Whether the last part of `path` is longer than a file name may be (checked before writing: the rename at the end would fail). */
export function nameTooLong(path: string): boolean {
  return Buffer.byteLength(basename(path)) > NAME_MAX;
}

/** A name for the temporary file beside `path`, cut to fit a file name's limit however long the final name. */
function tempPathFor(path: string): string {
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.part`;
  let name = basename(path);
  while (Buffer.byteLength(`.${name}${suffix}`) > NAME_MAX) name = name.slice(0, -1);
  return join(dirname(path), `.${name}${suffix}`);
}

/** Resolves `path` without writing anything. */
export async function outputTarget(path: string): Promise<OutputTarget> {
  if (path.endsWith('/')) return { kind: 'directory', path }; // "x.wav/" names a folder
  if (/^\/(dev|proc)\//.test(path)) return { kind: 'in-place', path, fifo: statOrNull(path)?.isFIFO() ?? false };
  const resolved = finalPath(path);
  if (/^\/(dev|proc)\//.test(resolved)) return { kind: 'in-place', path, fifo: statOrNull(path)?.isFIFO() ?? false };
  const existing = statOrNull(resolved);
  if (existing?.isDirectory()) return { kind: 'directory', path };
  if (existing && !existing.isFile()) return { kind: 'in-place', path, fifo: existing.isFIFO() };
  return { kind: 'file', path: resolved, tempPath: tempPathFor(resolved), mode: existing ? existing.mode & 0o777 : 0o666 };
}

/**
 * What would stop `path` from being written, checked now without writing (so a run does not spend a
 * request to fail at the end): 'it is a directory', 'the name is too long', 'its folder does not
 * exist', 'permission denied', 'the file system is read-only'; null when nothing is known to.
 */
export function outputProblem(path: string): string | null {
  if (path.endsWith('/')) return 'it is a directory';
  const resolved = finalPath(path);
  if (nameTooLong(resolved) || nameTooLong(path)) return 'the name is too long';
  if (isLink(resolved)) return 'its links go round in a loop';
  const existing = statOrNull(resolved);
  if (existing?.isDirectory()) return 'it is a directory';
  const folder = statOrNull(dirname(resolved));
  if (!folder?.isDirectory()) return 'its folder does not exist';
  try {
    // A file is replaced by a rename in its folder; a device or FIFO is opened for writing.
    accessSync(existing && !existing.isFile() ? resolved : dirname(resolved), constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EROFS' ? 'the file system is read-only' : code === 'ENAMETOOLONG' ? 'the name is too long' : 'permission denied';
  }
  return null;
}

/**
 * The file a path writes or reads: device and inode when it exists, else where a write would create
 * it; null for a device or FIFO (two writers may share /dev/null).
 */
function fileIdentity(path: string): string | null {
  const existing = statOrNull(path);
  if (existing && !existing.isFile()) return null;
  return existing ? `${existing.dev}:${existing.ino}` : `path:${finalPath(path)}`;
}

/** Whether two paths lead to the same regular file (through links, `..`, other names); compares files, not names. */
export function sameFile(a: string, b: string): boolean {
  const first = fileIdentity(a);
  return first !== null && first === fileIdentity(b);
}
