// Test helpers: a real local server per test, the real CLI as a child process, WAV parsing, temp dirs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWavesServer, type WavesServer, type WavesServerOptions } from '../src/server/waves-server.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'smallest-tts.js');
export const API_KEY = 'sk-test-0123456789abcdef';

export interface TestContextLike {
  after(fn: () => unknown): void;
}

export async function startServer(t: TestContextLike, options: WavesServerOptions = {}): Promise<WavesServer> {
  const server = await startWavesServer({ apiKey: API_KEY, record: true, ...options });
  t.after(() => server.close());
  return server;
}

export function tempDir(t: TestContextLike): string {
  const dir = mkdtempSync(join(tmpdir(), 'smallest-tts-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string | Buffer;
  timeoutMs?: number;
  cwd?: string;
  /** Leave stdin open for onSpawn to write to (it must end it). */
  keepStdinOpen?: boolean;
  /** Called once the child is running, e.g. to send it a signal. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

/** Config and cache folders of this test process, so no developer's settings leak in. */
const isolated = mkdtempSync(join(tmpdir(), 'smallest-tts-home-'));
process.on('exit', () => rmSync(isolated, { recursive: true, force: true }));

/** Runs the CLI with a clean environment: no inherited key, base URL, config, cache or proxy. */
export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // A developer's proxy variables would send the tests' loopback traffic through their proxy.
    if (v !== undefined && !k.startsWith('SMALLEST_') && !k.startsWith('XDG_') && !/_proxy$/i.test(k)) env[k] = v;
  }
  env.XDG_CONFIG_HOME = join(isolated, 'config');
  env.XDG_CACHE_HOME = join(isolated, 'cache');
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out: ${args.join(' ')}\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr });
    });
    child.stdin.on('error', () => {});
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else if (!options.keepStdinOpen) child.stdin.end();
    options.onSpawn?.(child);
  });
}

/** Flags that point the CLI at a test server. */
export function serverArgs(server: WavesServer): string[] {
  return ['--base-url', server.url, '--api-key', API_KEY];
}

export interface ParsedWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  riffSize: number;
  dataSize: number;
  data: Buffer;
}

export function parseWav(bytes: Buffer): ParsedWav {
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  if (bytes.toString('ascii', 36, 40) !== 'data') throw new Error('unexpected chunk layout');
  return {
    riffSize: bytes.readUInt32LE(4),
    channels: bytes.readUInt16LE(22),
    sampleRate: bytes.readUInt32LE(24),
    bitsPerSample: bytes.readUInt16LE(34),
    dataSize: bytes.readUInt32LE(40),
    data: bytes.subarray(44),
  };
}

/** Everything the server sent, request by request, in order. */
export function sentPcm(server: WavesServer, filter: (body: Record<string, unknown>) => boolean = () => true): Buffer {
  return Buffer.concat(server.requests.filter((r) => r.outcome === 'complete' && filter(r.body)).map((r) => r.pcm ?? Buffer.alloc(0)));
}

/** A HOME whose ALSA default device is a file: what `speaker` plays lands in `capture`. */
export function alsaCaptureHome(t: TestContextLike): { home: string; capture: string } {
  const home = tempDir(t);
  const capture = join(home, 'capture.raw');
  writeFileSync(join(home, '.asoundrc'), `pcm.!default { type file; slave.pcm "null"; file "${capture}"; format "raw" }\n`);
  return { home, capture };
}

export function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

/** The optional `speaker` package is installed (it builds only where the ALSA headers are). */
export const speakerInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('speaker');
    return true;
  } catch {
    return false;
  }
})();

/** Waits until the server has seen every request end: completed, refused, or cut off by a closed socket. */
export function serverSettled(server: WavesServer): Promise<void> {
  return waitFor(() => server.requests.every((r) => r.outcome !== 'pending'), 5000, 'the server to see the socket go');
}

/** NODE_OPTIONS that log every module the CLI loads to `log` (a resolve hook, registered with --import). */
export function moduleTrace(dir: string): { env: Record<string, string>; loaded: () => string } {
  const log = join(dir, 'modules.log');
  writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}\n`);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${join(dir, 'hooks.mjs')}`)});\n`);
  return { env: { NODE_OPTIONS: `--import=${join(dir, 'register.mjs')}` }, loaded: () => readFileSync(log, 'utf8') };
}
