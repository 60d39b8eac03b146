// The REPL's line protocol — `/voice emily`, text to speak — with no terminal code, shared by the
// interactive prompt and piped input.
import type { AudioSink } from '../../../audio/sink.js';
import { formatFromPath } from '../../../audio/formats.js';
import { openFileSink } from '../../../audio/output.js';
import { SmallestTtsError, UsageError } from '../../../core/errors.js';
import {
  DEFAULT_SETTINGS, MODELS, MODEL_SPECS, SAMPLE_RATES, V2_ONLY_KEYS, assertValidSettings, mergeSettings, modelSpec, parseSettingValue,
  settingFlagName, type SettingKey, type Settings,
} from '../../../core/settings.js';
import type { UtteranceQueue } from '../../../pipeline/utterance-queue.js';
import type { WavesClient } from '../../../pipeline/client.js';
import { OUTPUT_FORMATS, FORMAT_INFO } from '../../../audio/formats.js';
import { actionableHint } from '../../report-error.js';
import { didYouMean } from '../../suggest.js';
import { formatColumns, wrapWords } from '../../terminal/wrap.js';
import { checkVoice } from '../voices/voice-check.js';
import { sameFile } from '../../../audio/output-target.js';
import { exitCodeFor } from '../../hints.js';

/** REPL command → setting. */
const SETTING_COMMANDS: Record<string, SettingKey> = {
  voice: 'voice', speed: 'speed', language: 'language', model: 'model', consistency: 'consistency',
  similarity: 'similarity', enhancement: 'enhancement', rate: 'sampleRate', 'number-language': 'numberLanguage', math: 'math',
};

const COMMANDS = [...Object.keys(SETTING_COMMANDS), 'settings', 'reset', 'save', 'help', 'quit'].map((c) => `/${c}`);

/** The extensions of every format the REPL can write: ".wav .mp3 .flac .ogg .raw". */
export function writableExtensions(): string {
  return OUTPUT_FORMATS.map((f) => FORMAT_INFO[f].extensions[0]).join(' ');
}

/** The commands and what they do, for /help. */
function helpRows(): [string, string][] {
  return [
    ['/voice NAME', 'voice id, e.g. sophia, emily, ryan'],
    ['/speed X', `speaking rate (0.5–2; 0.1–5 on lightning-v2); "/speed default" unsets it`],
    ['/language CODE', MODEL_SPECS.map((m) => `${m.id}: ${m.languages.join(' ')}`).join('\n')],
    ['/model NAME', `${MODELS.join(', ')} (lightning-v2 reconnects; the others share one socket)`],
    ['/number-language C', 'language for numbers, amounts and dates; "/number-language default" unsets it'],
    ['/math on|off', 'read math notation (2×3=6) as words'],
    ['/consistency X', '0–1, lightning-v2 only'],
    ['/similarity X', '0–1, lightning-v2 only'],
    ['/enhancement N', '0, 1 or 2, lightning-v2 only'],
    ['/rate HZ', `sample rate: ${SAMPLE_RATES.join(', ')}`],
    ['/settings', 'show the current settings'],
    ['/reset', 'back to the settings the REPL started with'],
    ['/save FILE', `also record what is spoken from now on, in the format of the extension (${writableExtensions()}); "/save off" finishes the file`],
    ['/help', 'this list'],
    ['/quit', 'leave (Ctrl-D too); Ctrl-C stops the speech'],
  ];
}

/** /help, wrapped to `width` columns without cutting a word or a code. */
export function helpText(width = 80): string {
  return `${wrapWords('Type text and press Enter to hear it. Commands:', width).join('\n')}\n${formatColumns(helpRows(), width)}`;
}

export interface SessionOutput {
  info(message: string): void;
  error(message: string): void;
}

interface ReplSessionOptions {
  client: WavesClient;
  queue: UtteranceQueue;
  out: SessionOutput;
  /** The settings the REPL started with, for /reset. */
  initial: Settings;
  /** The -o file, whose sample rate cannot change. */
  outputFile?: string;
  /** Voice ids known without a request (cached catalogue, offline voices) for a model; null: unknown. */
  catalogue?: (model: string) => string[] | null;
  /** The terminal's width, for /help (default 80). */
  columns?: () => number | undefined;
  /** Aborted when the REPL is ending on a signal: ends a /save's wait for a FIFO's reader. */
  signal?: AbortSignal;
}

export class ReplSession {
  private readonly o: ReplSessionOptions;
  private recording: { path: string; sink: AudioSink & { bytesWritten: number } } | null = null;
  /** Recordings opened and not yet in place, including one being finished by /save off. */
  private readonly unfinished = new Set<AudioSink>();
  /** Worst exit code a line earned: 2 for a refused command, 1 for a failed utterance. */
  exitCode = 0;
  /** The exit code the latest line earned (0 when it went well), for an interactive session's end. */
  lastExitCode = 0;

  constructor(options: ReplSessionOptions) {
    this.o = options;
  }

  /** Handles one line; resolves to 'quit' when the session should end. */
  async handleLine(raw: string): Promise<'quit' | void> {
    const line = raw.trim();
    if (line === '') return;
    this.lastExitCode = 0;
    try {
      if (line.startsWith('//')) return this.speak(line.slice(1));
      if (!line.startsWith('/')) return this.speak(line);
      const [, name, rest] = /^\/(\S*)\s*(.*)$/.exec(line)!;
      return await this.command(name.toLowerCase(), rest.trim());
    } catch (error) {
      if (!(error instanceof SmallestTtsError)) throw error;
      this.fail(error);
    }
  }

  fail(error: SmallestTtsError | Error): void {
    const code = error instanceof SmallestTtsError ? exitCodeFor(error) : 1;
    this.exitCode = Math.max(this.exitCode, code === 130 ? 0 : code);
    this.lastExitCode = code === 130 ? 0 : code;
    const hint = error instanceof SmallestTtsError ? actionableHint(error) : undefined;
    this.o.out.error(error.message + (hint ? ` (${hint})` : ''));
  }

  private speak(text: string): void {
    const { client, queue } = this.o;
    const settings = { ...client.settings }; // as they are now, though the requests are made later
    // One job per line: a long line goes out as one continuation (or back-to-back requests).
    queue.speak(() => client.synthesize(text, { settings }));
  }

  private async command(name: string, arg: string): Promise<'quit' | void> {
    const key = SETTING_COMMANDS[name];
    if (key) return this.setting(name, key, arg);
    switch (name) {
      case 'settings':
        return this.o.out.info(this.describe(this.o.client.settings));
      case 'reset':
        this.checkRate(this.o.initial.sampleRate);
        return this.o.out.info(`settings reset${this.apply(this.o.initial) ? ' (reconnecting)' : ''}: ${this.describe(this.o.client.settings)}`);
      case 'save':
        return this.save(arg);
      case 'help':
      case '?':
        return this.o.out.info(helpText(this.o.columns?.() || 80));
      case 'quit':
      case 'exit':
        return 'quit';
      default:
        throw new UsageError(`Unknown command /${name}.${didYouMean(name, COMMANDS.map((c) => c.slice(1)), '/')} /help lists the commands.`);
    }
  }

  private setting(name: string, key: SettingKey, arg: string): void {
    const current = this.o.client.settings;
    if (arg === '') return this.o.out.info(`/${name} is ${current[key] ?? 'not set (the API default)'}`);
    const value = arg === 'default' && !(key in DEFAULT_SETTINGS) ? undefined : parseSettingValue(key, arg, '/');
    let update: Partial<Settings> = { [key]: value };
    const cleared: SettingKey[] = [];
    if (key === 'model' && value !== 'lightning-v2') {
      // Leaving lightning-v2: its own settings do not apply any more; say so rather than refuse.
      for (const k of V2_ONLY_KEYS) if (current[k] !== undefined) cleared.push(k);
      update = { ...update, ...Object.fromEntries(cleared.map((k) => [k, undefined])) };
    }
    if (key === 'sampleRate') this.checkRate(value as number);
    if (key === 'voice') checkVoice(value as string, this.o.catalogue?.(current.model) ?? null, '/voice');
    const next = mergeSettings(current, update);
    assertValidSettings(next, '/');
    const reconnecting = this.apply(next) ? ': reconnecting' : '';
    const clearedNote = cleared.length ? ` (cleared ${cleared.map((k) => `/${settingFlagName(k)}`).join(', ')}: lightning-v2 only)` : '';
    this.o.out.info(`/${name} ${value ?? 'unset'}${clearedNote}${reconnecting}`);
  }

  /** Replaces every setting; true when the new model needs another socket (the client reconnects). */
  private apply(next: Settings): boolean {
    const client = this.o.client;
    const reconnects = client.socketUrl(next.model) !== client.socketUrl(client.settings.model);
    const update: Partial<Settings> = { ...next };
    for (const k of ['speed', 'numberLanguage', 'math', 'wordTimestamps', ...V2_ONLY_KEYS] as const) if (next[k] === undefined) update[k] = undefined;
    client.updateSettings(update);
    return reconnects;
  }

  private checkRate(rate: number): void {
    const fixed = this.o.outputFile ?? this.recording?.path;
    if (fixed && rate !== this.o.client.settings.sampleRate) {
      throw new UsageError(`/rate cannot change while writing ${fixed} (a file has one rate, ${this.o.client.settings.sampleRate} Hz).`);
    }
  }

  private async save(arg: string): Promise<void> {
    if (arg === '') return this.o.out.info(this.recording ? `recording to ${this.recording.path}` : `not recording: /save FILE starts, in the format of its extension (${writableExtensions()})`);
    if (arg === 'off') {
      if (!this.recording) throw new UsageError(`Not recording: /save FILE starts a recording (${writableExtensions()}).`);
      await this.stopRecording();
      return;
    }
    if (this.recording) throw new UsageError(`Already recording to ${this.recording.path}: /save off first.`);
    // The same file under another name or through a link is the same file: compared as files.
    if (this.o.outputFile && sameFile(arg, this.o.outputFile)) {
      throw new UsageError(`${arg} is the -o file, which records everything already: /save needs another name.`);
    }
    const sink = await openFileSink(arg, { format: formatFromPath(arg), sampleRate: this.o.client.settings.sampleRate, signal: this.o.signal });
    this.recording = { path: arg, sink };
    this.unfinished.add(sink);
    // Takes effect at this point of the queue: speech typed earlier is not recorded.
    this.o.queue.after(() => {
      this.o.queue.recorder = sink;
    });
    this.o.out.info(`recording to ${arg}; /save off to finish`);
  }

  /** Puts the recording in place once the speech queued before this point has been written. */
  async stopRecording(): Promise<void> {
    const recording = this.recording;
    if (!recording) return;
    this.recording = null;
    const rate = this.o.client.settings.sampleRate;
    const done = new Promise<void>((resolve, reject) => {
      this.o.queue.after(async () => {
        this.o.queue.recorder = null;
        try {
          await recording.sink.end().finally(() => this.unfinished.delete(recording.sink));
          this.o.out.info(`saved ${recording.path} (${(recording.sink.bytesWritten / 2 / rate).toFixed(1)} s)`);
          resolve();
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    await done;
  }

  /** For a process about to exit (a second signal): every recording ends as a valid file of what it has. */
  finishRecordingSync(): void {
    for (const sink of this.unfinished) sink.finishSync?.();
    this.unfinished.clear();
  }

  describe(s: Readonly<Settings>): string {
    const parts = [`model ${s.model}`, `voice ${s.voice}`, `language ${s.language}`, `rate ${s.sampleRate}`, `speed ${s.speed ?? 'default'}`];
    if (s.model === 'lightning-v2') {
      for (const k of V2_ONLY_KEYS) parts.push(`${k} ${s[k] ?? 'default'}`);
    }
    return parts.join(', ');
  }
}

/** Tab completion: command names, then models, the model's languages, rates and known voices. */
export function completeLine(line: string, voices: readonly string[], model: string = DEFAULT_SETTINGS.model): [string[], string] {
  const command = /^\/(\S*)$/.exec(line);
  if (command) {
    const hits = COMMANDS.filter((c) => c.startsWith(line));
    return [hits.length ? hits : COMMANDS, line];
  }
  const arg = /^\/(model|language|number-language|voice|rate|math)\s+(\S*)$/.exec(line);
  if (!arg) return [[], line];
  const languages = modelSpec(model)?.languages ?? [];
  const options: Record<string, readonly string[]> = {
    model: MODELS, language: languages, 'number-language': languages, voice: voices, rate: SAMPLE_RATES.map(String), math: ['on', 'off'],
  };
  const candidates = options[arg[1]];
  const hits = candidates.filter((c) => c.startsWith(arg[2]));
  return [hits.length ? hits : [...candidates], arg[2]];
}
