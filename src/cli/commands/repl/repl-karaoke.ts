// Karaoke at the REPL's prompt: while a line plays and nothing is typed, the prompt line shows it with the word being heard highlighted.
import type * as readline from 'node:readline';
import type { AudioSink } from '../../../audio/sink.js';
import { SpeakerSink } from '../../../audio/speaker.js';
import type { SpeechStream, TimedWord } from '../../../waves/utterance/speech-stream.js';
import { Karaoke } from '../../terminal/karaoke.js';

export class ReplKaraoke {
  private current: { stream: SpeechStream; karaoke: Karaoke } | null = null;
  /** The karaoke line stands where the prompt was: it must be put back. */
  private covering = false;

  constructor(
    private readonly rl: () => readline.Interface | null,
    private readonly highlight: (word: string) => string,
  ) {}

  /** Draws only over an empty prompt: what the user types is never overwritten. */
  private readonly screen = {
    write: (text: string) => {
      const rl = this.rl();
      if (!rl || rl.line !== '') return;
      process.stdout.write(text);
      this.covering = true;
    },
    get columns() {
      return process.stdout.columns;
    },
  };

  start(stream: SpeechStream, sink: AudioSink): void {
    this.stop();
    if (!(sink instanceof SpeakerSink)) return;
    const clock = sink.clock;
    const startMs = clock.fedTotalMs;
    const karaoke = new Karaoke(this.screen, () => (clock.playedMs() - startMs) / 1000, this.highlight);
    karaoke.segment({ text: stream.text, start: 0 });
    this.current = { stream, karaoke };
  }

  /** A word of the line playing (the utterance queue tells them in order, from its first audio on). */
  word(stream: SpeechStream, word: TimedWord): void {
    if (this.current?.stream === stream) this.current.karaoke.word(word);
  }

  /** A key was pressed: give the line back to the prompt at once (the karaoke waits for an empty line again). */
  yieldToTyping(): void {
    if (!this.covering) return;
    this.restorePrompt();
  }

  stop(stream?: SpeechStream): void {
    if (!this.current || (stream && this.current.stream !== stream)) return;
    this.current.karaoke.stop();
    this.current = null;
    if (this.covering) this.restorePrompt();
  }

  private restorePrompt(): void {
    this.covering = false;
    const rl = this.rl();
    process.stdout.write('\r\x1b[K');
    rl?.prompt(true);
  }
}
