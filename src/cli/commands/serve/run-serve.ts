// `smallest-tts serve`: the local Waves-compatible server in the foreground, one log line per event.
import { once } from 'node:events';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { SmallestTtsError, UsageError } from '../../../core/errors.js';
import type { SpeechEngine } from '../../../server/engines/engine.js';
import { ToneEngine } from '../../../server/engines/tone-engine.js';
import { MAX_TIMER_MS } from '../../../server/server-options.js';
import { startWavesServer, type ReleaseMode, type WavesServerOptions } from '../../../server/waves-server.js';

export interface ServeFlags {
  host: string;
  port: number;
  apiKey?: string;
  allowAnonymous?: boolean;
  engine: string;
  idleTimeout: number;
  chunkBytes: number;
  maxActive?: number;
  maxConnections?: number;
  handshakeTimeout?: number;
  firstChunkDelay?: number;
  realtimeFactor?: number;
  dropAfterChunks?: number;
  dropConnections?: number;
  refuseVoice?: string[];
  retireModel?: string[];
  closeAfterComplete?: boolean;
  wordTimestamps?: boolean;
  stallAfterChunks?: number;
  closeWith?: string;
  closeAfterChunks?: number;
  ignoreBlank?: boolean;
  foreignFrames?: boolean;
  segmentDelay?: number;
  releaseMode?: string;
  quiet?: boolean;
}

async function engineNamed(name: string): Promise<SpeechEngine> {
  if (name === 'tone') return new ToneEngine();
  if (name === 'flite') return new (await import('../../../server/engines/flite-engine.js')).FliteEngine();
  throw new UsageError(`--engine must be flite or tone (got ${JSON.stringify(name)})`);
}

/** `--close-with 4401:unauthorised` → code and reason; codes a server may send are 1000–1014 and 3000–4999. */
export function parseCloseWith(raw: string): { code: number; reason: string } {
  const [codeText, ...rest] = raw.split(':');
  const code = Number(codeText);
  const reason = rest.join(':');
  if (!Number.isInteger(code) || !((code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999))) {
    throw new UsageError(`--close-with must be CODE[:REASON] with a close code of 1000–1014 or 3000–4999 (got ${JSON.stringify(raw)})`);
  }
  if (Buffer.byteLength(reason) > 123) throw new UsageError('--close-with: the reason must be at most 123 bytes');
  return { code, reason };
}

function releaseMode(raw: string | undefined): ReleaseMode | undefined {
  if (raw === undefined || raw === 'sentence' || raw === 'fragment') return raw;
  throw new UsageError(`--release-mode must be sentence or fragment (got ${JSON.stringify(raw)})`);
}

/** Whether an IP address is this machine's loopback: 127.0.0.0/8 or ::1, in any spelling (::ffff:127.0.0.1 too). */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) !== 6) return false;
  const canonical = new URL(`http://[${bare}]/`).hostname; // [::1], [::ffff:7f00:1], …
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/**
 * Whether `--host` lets other machines in: '' (every interface), a wildcard, a LAN address, or a
 * name that resolves to one. A name that does not resolve is left to the server to report.
 */
async function isExposed(host: string): Promise<boolean> {
  if (host.trim() === '') return true;
  const addresses = await lookup(host.trim().replace(/^\[(.*)\]$/, '$1'), { all: true }).catch(() => null);
  return addresses !== null && !addresses.every((a) => isLoopbackAddress(a.address));
}

/** Without a key, any machine that reaches the server may use it: only on purpose. */
async function checkExposure(flags: ServeFlags): Promise<boolean> {
  if (!(await isExposed(flags.host))) return false;
  if (flags.apiKey !== undefined || flags.allowAnonymous) return true;
  throw new UsageError(
    `--host ${JSON.stringify(flags.host)} listens beyond this machine, and without --api-key it accepts any key.`,
    'Require a key with --api-key KEY, or pass --allow-anonymous to open it to anyone on purpose; the default --host 127.0.0.1 keeps it local.',
  );
}

/** A delay in ms that a Node timer holds (a longer one would fire after 1 ms, with a warning). */
function checkDelay(name: string, ms: number | undefined, min = 0): void {
  if (ms === undefined) return;
  if (!(ms >= min && ms <= MAX_TIMER_MS)) throw new UsageError(`${name} must be ${min}–${MAX_TIMER_MS} ms (got ${ms})`);
}

export function serveOptions(flags: ServeFlags): WavesServerOptions {
  if (flags.apiKey !== undefined && flags.apiKey.trim() === '') throw new UsageError('--api-key needs a key.');
  checkDelay('--handshake-timeout', flags.handshakeTimeout, 1);
  checkDelay('--first-chunk-delay', flags.firstChunkDelay);
  checkDelay('--segment-delay', flags.segmentDelay);
  if (flags.idleTimeout * 1000 > MAX_TIMER_MS) throw new UsageError(`--idle-timeout must be at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds (got ${flags.idleTimeout})`);
  if (flags.realtimeFactor !== undefined && !(flags.realtimeFactor >= 0)) throw new UsageError('--realtime-factor must be a number of 0 or more');
  if (flags.idleTimeout <= 0) throw new UsageError('--idle-timeout must be at least 1 second');
  if (flags.chunkBytes <= 0) throw new UsageError('--chunk-bytes must be at least 1');
  if (flags.maxActive === 0 || flags.maxConnections === 0) throw new UsageError('--max-active and --max-connections must be at least 1');
  if (flags.closeAfterChunks !== undefined && flags.closeWith === undefined) throw new UsageError('--close-after-chunks needs --close-with');
  const retired = flags.retireModel ?? ['lightning-v2'];
  return {
    host: flags.host,
    port: flags.port,
    apiKey: flags.apiKey,
    idleTimeoutMs: flags.idleTimeout * 1000,
    chunkBytes: flags.chunkBytes,
    maxActiveRequests: flags.maxActive,
    maxConnections: flags.maxConnections,
    handshakeTimeoutMs: flags.handshakeTimeout,
    firstChunkDelayMs: flags.firstChunkDelay,
    realtimeFactor: flags.realtimeFactor,
    dropAfterChunks: flags.dropAfterChunks,
    dropConnections: flags.dropConnections,
    refuseVoices: flags.refuseVoice,
    retiredModels: retired.includes('none') ? [] : retired,
    closeAfterComplete: flags.closeAfterComplete,
    wordTimestamps: flags.wordTimestamps,
    stallAfterChunks: flags.stallAfterChunks,
    closeWith: flags.closeWith === undefined ? undefined : { ...parseCloseWith(flags.closeWith), afterChunks: flags.closeAfterChunks },
    ignoreBlank: flags.ignoreBlank,
    foreignFrames: flags.foreignFrames,
    segmentDelayMs: flags.segmentDelay,
    releaseMode: releaseMode(flags.releaseMode),
  };
}

export async function runServe(flags: ServeFlags): Promise<void> {
  const options = serveOptions(flags);
  const exposed = await checkExposure(flags);
  const engine = await engineNamed(flags.engine);
  const log = flags.quiet ? undefined : (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const server = await startWavesServer({ ...options, engine, log }).catch(async (error: unknown) => {
    await engine.dispose?.();
    if (error instanceof SmallestTtsError && /is in use/.test(error.message)) {
      throw new SmallestTtsError(error.message, { hint: 'Pick another with --port, or --port 0 for any free port.' });
    }
    throw error;
  });
  // The URL goes to stdout so scripts can read it; everything else is on stderr.
  process.stdout.write(`${server.url}\n`);
  log?.(`listening on ${server.url} (engine ${engine.name}${flags.apiKey ? ', key required' : ''}); Ctrl-C to stop`);
  if (exposed && flags.apiKey === undefined) log?.(`warning: --allow-anonymous: any machine that reaches ${flags.host || 'this one'} may use this server, with any key`);
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  log?.('stopping');
  await server.close();
  await engine.dispose?.();
}
