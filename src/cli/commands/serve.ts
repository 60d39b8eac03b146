// `smallest-tts serve`: the local Waves-compatible server in the foreground, one log line per event.
import { once } from 'node:events';
import { UsageError } from '../../errors.js';
import { ToneEngine, type SpeechEngine } from '../../server/engine.js';
import { startWavesServer } from '../../server/waves-server.js';

export interface ServeFlags {
  host: string;
  port: number;
  apiKey?: string;
  engine: string;
  idleTimeout: number;
  chunkBytes: number;
  firstChunkDelay?: number;
  realtimeFactor?: number;
  dropAfterChunks?: number;
  dropConnections?: number;
  refuseVoice?: string[];
  retireModel?: string[];
  closeAfterComplete?: boolean;
  wordTimestamps?: boolean;
  quiet?: boolean;
}

async function engineNamed(name: string): Promise<SpeechEngine> {
  if (name === 'tone') return new ToneEngine();
  if (name === 'flite') return new (await import('../../server/flite-engine.js')).FliteEngine();
  throw new UsageError(`--engine must be flite or tone (got ${JSON.stringify(name)})`);
}

export async function runServe(flags: ServeFlags): Promise<void> {
  if (flags.realtimeFactor !== undefined && !(flags.realtimeFactor >= 0)) throw new UsageError('--realtime-factor must be a number of 0 or more');
  if (flags.idleTimeout <= 0) throw new UsageError('--idle-timeout must be at least 1 second');
  if (flags.chunkBytes <= 0) throw new UsageError('--chunk-bytes must be at least 1');
  const engine = await engineNamed(flags.engine);
  const log = flags.quiet ? undefined : (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const server = await startWavesServer({
    host: flags.host,
    port: flags.port,
    apiKey: flags.apiKey,
    engine,
    idleTimeoutMs: flags.idleTimeout * 1000,
    chunkBytes: flags.chunkBytes,
    firstChunkDelayMs: flags.firstChunkDelay,
    realtimeFactor: flags.realtimeFactor,
    dropAfterChunks: flags.dropAfterChunks,
    dropConnections: flags.dropConnections,
    refuseVoices: flags.refuseVoice,
    retiredModels: flags.retireModel,
    closeAfterComplete: flags.closeAfterComplete,
    wordTimestamps: flags.wordTimestamps,
    log,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new UsageError(`Port ${flags.port} is in use.`, 'Pick another with --port, or --port 0 for any free port.');
    throw error;
  });
  // The URL goes to stdout so scripts can read it; everything else is on stderr.
  process.stdout.write(`${server.url}\n`);
  log?.(`listening on ${server.url} (engine ${engine.name}${flags.apiKey ? ', key required' : ''}); Ctrl-C to stop`);
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  log?.('stopping');
  await server.close();
  await engine.dispose?.();
}
