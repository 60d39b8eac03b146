// The package's version, for --version.
import { readFileSync } from 'node:fs';

/** The package's version, found by walking up from this file (it runs compiled and bundled). */
export function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'smallest-tts' && pkg.version) return pkg.version;
    } catch {
      // not here; keep walking
    }
  }
  return 'unknown';
}
