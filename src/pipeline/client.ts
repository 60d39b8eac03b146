// WavesClient: the socket client fed by the text layer. Any text input is cut into fragments here
// (src/text), so the socket client below never sees raw text and never imports the chunker.
import type { Settings } from '../core/settings.js';
import { chunkText } from '../text/chunk.js';
import { textFragments, type TextInput } from '../text/fragments.js';
import { WavesSocketClient, type FragmentSource, type SynthesizeOptions, type WavesClientEvents } from '../waves/client.js';
import type { WavesClientOptions as SocketClientOptions } from '../waves/client-options.js';
import type { SpeechStream } from '../waves/utterance/speech-stream.js';

export type { WavesClientEvents };

export interface WavesClientOptions extends SocketClientOptions {
  /** Longest fragment of text sent at once. Default 250 characters. */
  maxChars?: number;
}

export class WavesClient extends WavesSocketClient {
  private readonly maxChars: number | undefined;

  constructor(options: WavesClientOptions) {
    super(options);
    this.maxChars = options.maxChars;
  }

  /**
   * Speaks `input`: a string, or pieces of text as they arrive (an LLM's tokens, lines from a pipe).
   * Long or streamed text goes out as fragments of one continuation on the live route, as requests
   * back to back elsewhere. The audio streams as it arrives. A Settings object as the second
   * argument is read as `{ settings }`.
   */
  synthesize(input: TextInput, options: SynthesizeOptions | Readonly<Settings> = {}): SpeechStream {
    const opts: SynthesizeOptions = 'voice' in options && 'model' in options ? { settings: options as Settings } : (options as SynthesizeOptions);
    const settings = opts.settings ?? this.settings; // the socket client takes its own snapshot
    const cut = { maxChars: this.maxChars, language: settings.language };
    const fragments: FragmentSource =
      typeof input === 'string' ? [...chunkText(input, cut)] : { [Symbol.asyncIterator]: () => textFragments(input, cut) };
    return this.synthesizeFragments(fragments, { ...opts, settings });
  }
}
