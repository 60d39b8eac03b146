// Playback through the optional `speaker` package: probed in a child process (its import aborts Node
// when there is no sound device), loaded lazily, fed one chunk at a time so it can stop safely.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { PlaybackUnavailableError } from '../errors.js';
import type { AudioSink } from './sink.js';

interface SpeakerStream {
  write(chunk: Buffer, callback: (error?: Error | null) => void): boolean;
  end(): void;
  close(flush: boolean): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
  once(event: string, listener: (...args: unknown[]) => void): void;
}
type SpeakerConstructor = new (format: { channels: number; bitDepth: number; sampleRate: number; signed: boolean }) => SpeakerStream;

function resolveSpeaker(): string {
  try {
    return createRequire(import.meta.url).resolve('speaker');
  } catch {
    throw new PlaybackUnavailableError('the optional package `speaker` is not installed (it needs the ALSA headers, libasound2-dev, to build).');
  }
}

/** Imports `speaker` in a child process first: an abort there costs a child, not this process. */
export async function probePlayback(): Promise<void> {
  const path = resolveSpeaker();
  const script = `await import(${JSON.stringify(pathToFileURL(path).href)});`;
  const { code, signal, stderr } = await new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (part: string) => (stderr += part));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    child.on('error', () => resolve({ code: -1, signal: null, stderr: '' }));
  });
  if (code === 0) return;
  if (signal === 'SIGABRT' || code === 134 || /cannot open device|Unknown PCM/.test(stderr)) {
    throw new PlaybackUnavailableError('no usable sound device (ALSA could not open the default device).');
  }
  if (/bindings file/.test(stderr)) {
    throw new PlaybackUnavailableError('`speaker` is installed but its native part was not built: install libasound2-dev, then run `npm rebuild speaker`.');
  }
  throw new PlaybackUnavailableError(`loading \`speaker\` failed (${signal ?? `exit ${code}`}).`);
}

export class SpeakerSink implements AudioSink {
  private readonly speaker: SpeakerStream;
  private readonly prebufferBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private started = false;
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private closed: Promise<void>;

  private constructor(Speaker: SpeakerConstructor, sampleRate: number, prebufferMs: number) {
    this.speaker = new Speaker({ channels: 1, bitDepth: 16, sampleRate, signed: true });
    this.prebufferBytes = Math.round((sampleRate * 2 * prebufferMs) / 1000) & ~1;
    this.speaker.on('error', (error) => (this.failure = error as Error));
    this.closed = new Promise((resolve) => this.speaker.once('close', () => resolve()));
  }

  /**
   * Call probePlayback() first. About 150 ms of audio is gathered before the first write, which
   * absorbs network jitter without a noticeable delay.
   */
  static async open(sampleRate: number, options: { prebufferMs?: number } = {}): Promise<SpeakerSink> {
    let Speaker: SpeakerConstructor;
    try {
      Speaker = ((await import(pathToFileURL(resolveSpeaker()).href)) as { default: SpeakerConstructor }).default;
    } catch (error) {
      if (error instanceof PlaybackUnavailableError) throw error;
      throw new PlaybackUnavailableError(`loading \`speaker\` failed: ${(error as Error).message}`);
    }
    return new SpeakerSink(Speaker, sampleRate, options.prebufferMs ?? 150);
  }

  private feed(chunk: Buffer): Promise<void> {
    this.writing = new Promise<void>((resolve, reject) => {
      this.speaker.write(chunk, (error) => (error ? reject(error) : resolve()));
    });
    return this.writing;
  }

  async write(pcm: Buffer): Promise<void> {
    if (this.failure) throw new PlaybackUnavailableError(this.failure.message);
    if (!this.started) {
      this.pending.push(pcm);
      this.pendingBytes += pcm.length;
      if (this.pendingBytes < this.prebufferBytes) return;
      this.started = true;
      pcm = Buffer.concat(this.pending);
      this.pending = [];
    }
    await this.feed(pcm);
  }

  /** Plays what is left and waits for the device to drain. */
  async end(): Promise<void> {
    if (!this.started && this.pendingBytes > 0) await this.feed(Buffer.concat(this.pending));
    this.pending = [];
    await this.writing.catch(() => {});
    this.speaker.end();
    await this.closed;
  }

  /** Stops now: waits only for the chunk being written, then closes without draining. */
  async abort(): Promise<void> {
    this.pending = [];
    await this.writing.catch(() => {});
    this.speaker.close(false);
    await Promise.race([this.closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }
}
