// Every temporary file or folder this process has made and not yet put in place or removed, so a
// process that must exit at once (a second signal) removes them synchronously: no `.part` is left.
import { rmSync } from 'node:fs';

const live = new Set<string>();

/** Records `path` (a file, or a folder removed with its contents); returns the function that forgets it. */
export function trackTemp(path: string): () => void {
  live.add(path);
  return () => live.delete(path);
}

/** Removes every temporary path still recorded; for a process about to exit. Never throws. */
export function removeTempsSync(): void {
  for (const path of live) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Nothing more can be done on the way out; the next batch run sweeps what is left.
    }
  }
  live.clear();
}
