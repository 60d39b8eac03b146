// Playback through the optional `speaker` package: probed in a child process (its import aborts Node
// when there is no sound device), loaded lazily, fed one chunk at a time so it can stop safely.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { PlaybackUnavailableError } from '../core/errors.js';
import { PlaybackClock } from './playback-clock.js';
import type { AudioSink } from './sink.js';

interface SpeakerStream {
  write(chunk: Buffer, callback: (error?: Error | null) => void): boolean;
  end(): void;
  close(flush: boolean): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
  once(event: string, listener: (...args: unknown[]) => void): void;
}
type SpeakerConstructor = new (format: { channels: number; bitDepth: number; sampleRate: number; signed: boolean; device?: string }) => SpeakerStream;

/** A named ALSA device (as `aplay -L` lists them) instead of the default one. */
interface PlaybackDevice {
  device?: string;
  sampleRate?: number;
}

function resolveSpeaker(): string {
  try {
    return createRequire(import.meta.url).resolve('speaker');
  } catch {
    throw new PlaybackUnavailableError('the optional package `speaker` is not installed (it needs the ALSA headers, libasound2-dev, to build).');
  }
}

/**
 * Imports `speaker` in a child process first: an abort there costs a child, not this process. With
 * a named device, the child also opens and closes it (no sound is written), so a missing device is
 * found before anything is requested.
 */
export async function probePlayback(options: PlaybackDevice = {}): Promise<void> {
  const path = resolveSpeaker();
  const { device } = options;
  const script = `const { default: Speaker } = await import(${JSON.stringify(pathToFileURL(path).href)});` +
    (device === undefined ? '' : `
const s = new Speaker({ channels: 1, bitDepth: 16, sampleRate: ${Number(options.sampleRate ?? 24000)}, signed: true, device: ${JSON.stringify(device)} });
s._open(); // throws "Failed to open output device" (ERR_OPEN) for a device ALSA cannot open
s.close(false);`);
  const { code, signal, stderr } = await new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (part: string) => (stderr += part));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    child.on('error', () => resolve({ code: -1, signal: null, stderr: '' }));
  });
  if (code === 0) return;
  if (device !== undefined && /ERR_OPEN|Failed to (open|initialize) output device/.test(stderr)) {
    throw new PlaybackUnavailableError(`the ALSA device "${device}" does not exist or cannot be opened (\`aplay -L\` lists the devices).`);
  }
  if (signal === 'SIGABRT' || code === 134 || /cannot open device|Unknown PCM/.test(stderr)) {
    throw new PlaybackUnavailableError('no usable sound device (ALSA could not open the default device).');
  }
  if (/bindings file/.test(stderr)) {
    throw new PlaybackUnavailableError('`speaker` is installed but its native part was not built: install libasound2-dev, then run `npm rebuild speaker`.');
  }
  throw new PlaybackUnavailableError(`loading \`speaker\` failed (${signal ?? `exit ${code}`}).`);
}

/** One open device; gone after close. */
class Device {
  readonly closed: Promise<void>;
  private readonly speaker: SpeakerStream;
  private writing: Promise<void> = Promise.resolve();
  failure: Error | null = null;

  constructor(Speaker: SpeakerConstructor, sampleRate: number, device: string | undefined) {
    this.speaker = new Speaker({ channels: 1, bitDepth: 16, sampleRate, signed: true, ...(device !== undefined && { device }) });
    this.speaker.on('error', (error) => (this.failure = error as Error));
    this.closed = new Promise((resolve) => this.speaker.once('close', () => resolve()));
  }

  write(chunk: Buffer): Promise<void> {
    this.writing = new Promise<void>((resolve, reject) => {
      this.speaker.write(chunk, (error) => (error ? reject(error) : resolve()));
    });
    return this.writing;
  }

  async drain(): Promise<void> {
    await this.writing.catch(() => {});
    this.speaker.end();
    await this.closed;
  }

  /** The stop order that survives: wait for the chunk being written, then close without flushing. */
  async stop(): Promise<void> {
    await this.writing.catch(() => {});
    this.speaker.close(false);
    await Promise.race([this.closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }
}

export class SpeakerSink implements AudioSink {
  private readonly Speaker: SpeakerConstructor;
  private readonly sampleRate: number;
  private readonly prebufferBytes: number;
  private readonly deviceName: string | undefined;
  private device: Device | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Estimates underruns: `speaker` cannot report them. */
  readonly clock: PlaybackClock;

  private constructor(Speaker: SpeakerConstructor, sampleRate: number, prebufferMs: number, deviceName: string | undefined) {
    this.Speaker = Speaker;
    this.deviceName = deviceName;
    this.sampleRate = sampleRate;
    this.clock = new PlaybackClock(sampleRate);
    this.prebufferBytes = Math.round((sampleRate * 2 * prebufferMs) / 1000) & ~1;
  }

  /**
   * Call probePlayback() first (with the same device). `device`: an ALSA device name, as `aplay -L` lists them. About 150 ms of audio is gathered before the device starts,
   * which absorbs network jitter without a noticeable delay.
   */
  static async open(sampleRate: number, options: { prebufferMs?: number; device?: string } = {}): Promise<SpeakerSink> {
    let Speaker: SpeakerConstructor;
    try {
      Speaker = ((await import(pathToFileURL(resolveSpeaker()).href)) as { default: SpeakerConstructor }).default;
    } catch (error) {
      if (error instanceof PlaybackUnavailableError) throw error;
      throw new PlaybackUnavailableError(`loading \`speaker\` failed: ${(error as Error).message}`);
    }
    return new SpeakerSink(Speaker, sampleRate, options.prebufferMs ?? 150, options.device);
  }

  async write(pcm: Buffer): Promise<void> {
    if (this.device?.failure) throw new PlaybackUnavailableError(this.device.failure.message);
    if (!this.device) {
      this.pending.push(pcm);
      this.pendingBytes += pcm.length;
      if (this.pendingBytes < this.prebufferBytes) return;
      pcm = this.takePending();
      this.device = new Device(this.Speaker, this.sampleRate, this.deviceName);
    }
    this.clock.fed(pcm.length);
    await this.device.write(pcm);
  }

  private takePending(): Buffer {
    const all = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return all;
  }

  /** Plays what is left and waits for the device to drain. */
  async end(): Promise<void> {
    if (!this.device && this.pendingBytes > 0) {
      this.device = new Device(this.Speaker, this.sampleRate, this.deviceName);
      await this.device.write(this.takePending()).catch(() => {});
    }
    const device = this.device;
    this.device = null;
    await device?.drain();
    this.clock.stop();
  }

  /** Stops now; the sink stays usable and opens the device again on the next write. */
  async interrupt(): Promise<void> {
    this.takePending();
    const device = this.device;
    this.device = null;
    this.clock.stop();
    await device?.stop();
  }

  async abort(): Promise<void> {
    await this.interrupt();
  }
}
