// Plays utterances one after another into a sink (and a recorder, for /save); stop() silences at once.
// Requests are made only a few utterances ahead of playback, so queued text never piles up audio.
import type { AudioSink } from '../audio/sink.js';
import type { SpeechStream, TimedWord } from '../waves/utterance/speech-stream.js';

interface UtteranceQueueOptions {
  /** Opens the output for a sample rate; called again when the rate changes. */
  openSink: (sampleRate: number) => Promise<AudioSink>;
  /** A failed utterance (an error frame, a lost connection) is reported here; the queue goes on. */
  onError: (error: Error) => void;
  /** Utterances requested beyond the one playing. Default 2. */
  lookahead?: number;
  /** An utterance's first audio is about to be written to `sink`; `ended` when it stops (done or stopped). */
  onUtterance?: (stream: SpeechStream, sink: AudioSink) => void;
  onUtteranceEnd?: (stream: SpeechStream) => void;
  /** Each word timing of the utterance playing, once its first audio has gone to the sink (earlier words come then). */
  onWord?: (stream: SpeechStream, word: TimedWord) => void;
}

/** Something to do at its place in the queue, after the audio before it (e.g. start or stop a recording). */
type QueueAction = () => Promise<void> | void;
/** Makes the request when its turn is near; it should carry its settings from when it was queued. */
type DeferredUtterance = () => SpeechStream;

type Item = { speech: DeferredUtterance; stream?: SpeechStream } | { action: QueueAction };

export class UtteranceQueue {
  private readonly options: UtteranceQueueOptions;
  private items: Item[] = [];
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

  speak(...utterances: DeferredUtterance[]): void {
    this.push(utterances.map((speech) => ({ speech })));
  }

  /**
   * Runs `action` once the audio queued before it has been written. (Not `then`: a class with a
   * `then` method is a thenable, and `await queue` would call it.)
   */
  after(action: QueueAction): void {
    this.push([{ action }]);
  }

  private push(items: Item[]): void {
    this.items.push(...items);
    this.running ??= this.run().finally(() => (this.running = null));
  }

  /** Makes the requests of the next few utterances, in queue order. */
  private requestAhead(): void {
    let budget = 1 + (this.options.lookahead ?? 2);
    for (const item of this.items) {
      if (budget === 0) return;
      if ('speech' in item) {
        item.stream ??= item.speech();
        budget--;
      }
    }
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
      this.requestAhead();
      const item = this.items.shift()!;
      const generation = this.generation;
      try {
        if ('action' in item) {
          await item.action();
          continue;
        }
        const stream = item.stream ?? item.speech();
        await this.play(stream, generation);
      } catch (error) {
        if (generation === this.generation) this.options.onError(error as Error);
      }
    }
  }

  /** Writes one utterance's audio to the sink (and the recorder) and tells its words, until it ends or the queue is stopped. */
  private async play(stream: SpeechStream, generation: number): Promise<void> {
    let started = false;
    const early: TimedWord[] = [];
    try {
      for await (const event of stream.all()) {
        if (generation !== this.generation) break;
        if (event.type === 'word') {
          if (started) this.options.onWord?.(stream, event.word);
          else early.push(event.word);
        }
        if (event.type !== 'audio') continue;
        const sink = await this.sinkFor(stream.sampleRate);
        if (!started) {
          this.options.onUtterance?.(stream, sink);
          for (const word of early.splice(0)) this.options.onWord?.(stream, word);
        }
        started = true;
        await Promise.all([sink.write(event.pcm), this.recorder?.write(event.pcm)]);
      }
    } finally {
      if (started) this.options.onUtteranceEnd?.(stream);
    }
  }

  /** Resolves when everything queued has been written. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Forgets the speech queued and silences the output now; actions stay. Interrupt the client as
   * well, so that nothing more of the requests already made arrives.
   */
  async stop(): Promise<void> {
    this.generation++;
    this.items = this.items.filter((item) => 'action' in item);
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
