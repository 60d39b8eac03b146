// Plays utterances one after another into a sink (and a recorder, for /save); stop() silences at once.
import type { AudioSink } from './audio/sink.js';
import type { SpeechStream } from './waves/speech-stream.js';

export interface UtteranceQueueOptions {
  /** Opens the output for a sample rate; called again when the rate changes. */
  openSink: (sampleRate: number) => Promise<AudioSink>;
  /** A failed utterance (an error frame, a lost connection) is reported here; the queue goes on. */
  onError: (error: Error) => void;
}

/** Something to do at its place in the queue, after the audio before it (e.g. start or stop a recording). */
export type QueueAction = () => Promise<void> | void;

export class UtteranceQueue {
  private readonly options: UtteranceQueueOptions;
  private items: (SpeechStream | QueueAction)[] = [];
  private running: Promise<void> | null = null;
  private sink: { rate: number; sink: AudioSink } | null = null;
  private generation = 0;
  /** Everything written to the sink is also written here while set. */
  recorder: AudioSink | null = null;

  constructor(options: UtteranceQueueOptions) {
    this.options = options;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  enqueue(...items: (SpeechStream | QueueAction)[]): void {
    this.items.push(...items);
    this.running ??= this.run().finally(() => (this.running = null));
  }

  private async sinkFor(rate: number): Promise<AudioSink> {
    if (this.sink?.rate === rate) return this.sink.sink;
    const old = this.sink;
    this.sink = null;
    await old?.sink.end();
    const sink = await this.options.openSink(rate);
    this.sink = { rate, sink };
    return sink;
  }

  private async run(): Promise<void> {
    while (this.items.length > 0) {
      const stream = this.items.shift()!;
      const generation = this.generation;
      try {
        if (typeof stream === 'function') {
          await stream();
          continue;
        }
        for await (const pcm of stream) {
          if (generation !== this.generation) break;
          const sink = await this.sinkFor(stream.sampleRate);
          await Promise.all([sink.write(pcm), this.recorder?.write(pcm)]);
        }
      } catch (error) {
        if (generation === this.generation) this.options.onError(error as Error);
      }
    }
  }

  /** Resolves when everything queued has been written. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Forgets the audio queued and silences the output now (interrupt the client too, so nothing more arrives). */
  async stop(): Promise<void> {
    this.generation++;
    this.items = this.items.filter((item) => typeof item === 'function');
    await this.sink?.sink.interrupt?.();
    await this.idle();
  }

  /** Finishes everything queued, then ends the output and the recorder. */
  async close(): Promise<void> {
    await this.idle();
    const sink = this.sink;
    this.sink = null;
    await sink?.sink.end();
    const recorder = this.recorder;
    this.recorder = null;
    await recorder?.end();
  }
}
