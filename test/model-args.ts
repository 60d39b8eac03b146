// The model flags under which `say` reaches the local test server. While the default (live) route
// and the local server are being reworked on separate branches, the per-model route of
// lightning-v2 is the one both sides agree on; once the default works, tests use it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWavesServer } from '../src/server/waves-server.js';
import { API_KEY, runCli } from './helpers.js';

let probe: Promise<string[]> | undefined;

/** `[]` when `say` works with the default model against the local server, else `['--model', 'lightning-v2']`. */
export function modelArgs(): Promise<string[]> {
  probe ??= (async () => {
    const server = await startWavesServer({ apiKey: API_KEY });
    const dir = mkdtempSync(join(tmpdir(), 'smallest-tts-probe-'));
    try {
      const r = await runCli(['say', 'Probe.', '-o', join(dir, 'p.wav'), '--base-url', server.url, '--api-key', API_KEY]);
      return r.code === 0 ? [] : ['--model', 'lightning-v2'];
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.close();
    }
  })();
  return probe;
}
