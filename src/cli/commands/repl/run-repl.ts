// `smallest-tts repl`: an interactive prompt (or piped lines) where every line is spoken and
// /commands change the settings live.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as readline from 'node:readline';
import { chalkStderr, default as chalk } from 'chalk';
import { SpeakerSink, probePlayback } from '../../../audio/speaker.js';
import type { AudioSink } from '../../../audio/sink.js';
import { formatFromPath } from '../../../audio/formats.js';
import { openFileSink, type CountingSink } from '../../../audio/output.js';
import { UsageError } from '../../../core/errors.js';
import { UtteranceQueue } from '../../../pipeline/utterance-queue.js';
import { WavesClient } from '../../../waves/client.js';
import type { ValueOrigins } from '../../config/apply-config.js';
import { openConnection, reportClientEvents } from '../../connection/connect.js';
import { settingsFromFlags, type ConnectionFlags, type SettingsFlags } from '../../options.js';
import { formatSampleRate } from '../../terminal/format-rate.js';
import { checkOutputFolder } from '../../output/output-folder.js';
import { historyPath } from '../../config/paths.js';
import { ReplSession, completeLine, writableExtensions } from './repl-session.js';
import { safeLine, safeText } from '../../terminal/sanitize.js';
import { onTermination } from '../../signals.js';
import { Ui, highlightWord, redact } from '../../terminal/ui.js';
import { knownVoices } from '../voices/voice-names.js';
import { checkVoice, knownCatalogue } from '../voices/voice-check.js';
import { ReplKaraoke } from './repl-karaoke.js';

/** How long a line waits, retrying, while the account is over its concurrency limit. */
const OVER_LIMIT_WAIT_MS = 60_000;

export interface ReplFlags extends SettingsFlags, ConnectionFlags {
  output?: string;
  format?: string;
  device?: string;
  quiet?: boolean;
  verbose?: boolean;
  idleTimeout?: number;
}

function loadHistory(): string[] {
  try {
    return readFileSync(historyPath(), 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    return [];
  }
}

function saveHistory(history: string[]): void {
  try {
    mkdirSync(dirname(historyPath()), { recursive: true, mode: 0o700 });
    writeFileSync(historyPath(), `${[...history].reverse().join('\n')}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience; a read-only home must not break the REPL.
  }
}

export async function runRepl(flags: ReplFlags, origins?: ValueOrigins): Promise<number> {
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  // Karaoke at the prompt while lines play through the speakers: it wants word timings.
  const karaokeOn = interactive && !flags.output && !flags.quiet;
  const outputFormat = flags.output ? formatFromPath(flags.output, flags.format) : undefined;
  const telephonyRate = formatSampleRate(outputFormat, flags, origins);
  const initial = settingsFromFlags({
    ...flags,
    ...(karaokeOn && flags.wordTimestamps === undefined && { wordTimestamps: true }),
    ...(telephonyRate !== undefined && { sampleRate: telephonyRate }),
  });
  checkVoice(initial.voice, knownCatalogue({ offline: flags.offline, baseUrl: flags.baseUrl, model: initial.model }));
  if (flags.output === '-') throw new UsageError(`repl writes audio to a file with -o FILE, in the format of its extension (${writableExtensions()}), not to stdout.`);
  if (flags.output) checkOutputFolder(flags.output);
  let rl: readline.Interface | null = null;
  const karaoke = karaokeOn ? new ReplKaraoke(() => rl, highlightWord) : null;

  const print = (text: string, stream: NodeJS.WriteStream = process.stdout) => {
    const safe = redact(text);
    if (rl && interactive) {
      readline.clearLine(process.stdout, 0);
      readline.cursorTo(process.stdout, 0);
      process.stdout.write(`${safe}\n`);
      rl.prompt(true);
    } else {
      stream.write(`${safe}\n`);
    }
  };
  const ui = await Ui.create({ quiet: flags.quiet, verbose: flags.verbose, interactive: false, writeLine: (line) => print(line, process.stderr) });
  const out = {
    info: (message: string) => (interactive ? print(safeText(message, 4000)) : !flags.quiet && print(safeText(message, 4000), process.stderr)),
    error: (message: string) => print(`${(interactive ? chalk : chalkStderr).red('error:')} ${safeText(message)}`, process.stderr),
  };
  if (origins) ui.verbose(`settings: ${origins.describe()}`);
  const controller = new AbortController();
  // One handler for SIGINT, SIGTERM and SIGHUP in every phase (readline keeps Ctrl-C at an open
  // prompt; a SIGINT from outside, or after Ctrl-D while the queue plays, comes here). Before the
  // loops nothing has been spoken: leave at once, no file written and an old one untouched.
  let onSignal: () => void = () => termination.exitNow();
  let speaking = false;
  const termination = onTermination(
    () => {
      controller.abort();
      onSignal();
    },
    // A second signal exits at once: the output and a /save recording still end as valid files.
    { force: () => speaking && finishFilesSync() },
  );
  let output: CountingSink | null = null;
  let connection: Awaited<ReturnType<typeof openConnection>>;
  try {
    output = flags.output && outputFormat ? await openFileSink(flags.output, { format: outputFormat, sampleRate: initial.sampleRate, signal: controller.signal }) : null;
    connection = await openConnection(flags, ui);
  } catch (error) {
    termination.dispose();
    await output?.abort();
    throw error;
  }
  const client = new WavesClient({
    apiKey: connection.apiKey, baseUrl: connection.baseUrl, route: connection.route, settings: initial, idleTimeoutSeconds: flags.idleTimeout,
    trace: connection.trace,
    agent: connection.agent,
    overLimitRetryMs: OVER_LIMIT_WAIT_MS,
  });
  client.on('over_limit', ({ delayMs }) => print(chalk.yellow(`… the account is at its concurrency limit: retrying in ${(delayMs / 1000).toFixed(1)} s`)));
  if (interactive) {
    client.on('connected', ({ model }) => print(chalk.green(`● connected (${model})`)));
    client.on('disconnected', ({ code, reason }) => reason !== 'client closed' && print(chalk.dim(`○ disconnected${reason ? `: ${safeLine(reason)}` : ` (code ${code})`}`)));
    client.on('reconnecting', ({ attempt, reason }) => print(chalk.yellow(`… reconnecting (attempt ${attempt}${reason ? `; ${safeLine(reason)}` : ''})`)));
    client.on('connection_error', (error) => print(`${chalk.red('connection error:')} ${safeLine(error.message)}`));
  }
  reportClientEvents(client, ui);

  const queue = new UtteranceQueue({
    openSink: async (rate): Promise<AudioSink> => output ?? SpeakerSink.open(rate, { device: flags.device }),
    onError: (error) => session.fail(error),
    onUtterance: (stream, sink) => karaoke?.start(stream, sink),
    onUtteranceEnd: (stream) => karaoke?.stop(stream),
  });
  const catalogue = (model: string) => knownCatalogue({ offline: flags.offline, baseUrl: flags.baseUrl, model });
  const session = new ReplSession({ client, queue, out, initial, outputFile: flags.output, catalogue, columns: () => process.stdout.columns, signal: controller.signal });
  let interrupted = false;
  function finishFilesSync(): void {
    output?.finishSync?.();
    session.finishRecordingSync();
  }
  const stopSpeech = async () => {
    client.interrupt();
    await queue.stop();
  };

  try {
    if (!output) await probePlayback({ device: flags.device, sampleRate: initial.sampleRate });
    if (interactive) process.stdout.write(`${chalk.bold('smallest-tts repl')} ${chalk.dim('— type text to hear it; /help for commands; Ctrl-D to leave')}\n`);
    await client.connect();
    speaking = true;
    if (interactive) await interactiveLoop();
    else await pipedLoop();
    await session.stopRecording();
    await queue.close();
    await output?.end();
  } finally {
    termination.dispose();
    await queue.stop().catch(() => {});
    await output?.abort();
    await client.close();
    await connection.close();
  }
  // A person at the prompt typed a typo long ago: only the last line decides. Scripts keep the worst.
  return termination.exitCode ?? (interrupted ? 130 : interactive ? session.lastExitCode : session.exitCode);

  /** Lines from a pipe, in order. Ctrl-C stops the speech and the input; the files are still finished. */
  async function pipedLoop(): Promise<void> {
    const lines = readline.createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
    // Ctrl-C, SIGTERM, SIGHUP: stop the speech and the input; the files are still finished.
    onSignal = () => {
      interrupted = true;
      lines.close();
      void stopSpeech();
    };
    for await (const line of lines) {
      if (interrupted || (await session.handleLine(line)) === 'quit') break;
    }
    lines.close();
  }

  function interactiveLoop(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const prompt = readline.createInterface({
        input: process.stdin,
        output: process.stdout,
        terminal: true,
        history: loadHistory(),
        historySize: 500,
        removeHistoryDuplicates: true,
        prompt: `${chalk.cyan('tts')}${chalk.dim('›')} `,
        completer: (line: string) => completeLine(line, knownVoices(client.settings.model, client.baseUrl), client.settings.model),
      });
      rl = prompt;
      // Runs before readline's own handler: a key pressed while karaoke covers the prompt gets the prompt back first.
      if (karaoke) process.stdin.prependListener('keypress', () => karaoke.yieldToTyping());
      prompt.on('history', saveHistory);
      // SIGTERM, SIGHUP, and SIGINT from outside or after Ctrl-D: leave as Ctrl-D does, without the
      // queued speech (Ctrl-C at the open prompt is readline's: it stops the speech only).
      onSignal = () => void stopSpeech().then(() => prompt.close());
      let chain: Promise<unknown> = Promise.resolve();
      let quitting = false;
      const quit = () => {
        if (quitting) return;
        quitting = true;
        chain.then(() => queue.idle()).then(() => resolve(), reject);
        prompt.close();
      };
      prompt.on('SIGINT', () => {
        if (queue.busy) {
          void stopSpeech().then(() => {
            print(chalk.dim('■ stopped'));
            void client.connect().catch(() => {}); // ready for the next line
          });
        } else {
          print(chalk.dim('(To leave, press Ctrl-D or type /quit)'));
        }
      });
      prompt.on('line', (line) => {
        chain = chain.then(async () => {
          if ((await session.handleLine(line)) === 'quit') quit();
          else if (!quitting) prompt.prompt();
        }, reject);
      });
      prompt.on('close', () => {
        rl = null;
        process.stdout.write('\n');
        quit();
      });
      prompt.prompt();
    });
  }
}
