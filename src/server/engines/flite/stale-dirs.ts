// Removes temp folders that earlier versions of the Flite engine left behind when their process died.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../../../core/files/process-alive.js';

const STALE_PREFIX = 'smallest-tts-flite-';
/** A legacy folder (no pid in its name) untouched for this long belongs to no live process. */
const LEGACY_IDLE_MS = 60 * 60 * 1000;

/** The newest modification time of a folder and the files in it. */
function lastTouched(dir: string): number {
  let newest = statSync(dir).mtimeMs;
  for (const name of readdirSync(dir)) newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
  return newest;
}

/**
 * Deletes `smallest-tts-flite-<pid>-*` folders whose process is gone, and legacy
 * `smallest-tts-flite-XXXXXX` ones (versions before 0.2 named them without a pid) that are ours
 * and have not been touched for an hour. Returns the paths removed; never throws.
 */
export function removeStaleFliteDirs(dir = tmpdir(), now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.startsWith(STALE_PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const stats = statSync(path);
      if (!stats.isDirectory() || (process.getuid && stats.uid !== process.getuid())) continue;
      const owner = /^(\d+)-/.exec(name.slice(STALE_PREFIX.length));
      const stale = owner ? !processAlive(Number(owner[1])) : now - lastTouched(path) > LEGACY_IDLE_MS;
      if (!stale) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Gone already, or not ours to read: leave it.
    }
  }
  return removed;
}
