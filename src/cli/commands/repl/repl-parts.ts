// What a REPL run is made of: its stop (signals), its ends (the -o file and the connection), the
// client and the session that speaks each line through the queue.
import { SpeakerSink } from '../../../audio/speaker.js';
import type { AudioSink } from '../../../audio/sink.js';
import { openFileSink, type CountingSink } from '../../../audio/output.js';
import { UtteranceQueue } from '../../../pipeline/utterance-queue.js';
import { WavesClient } from '../../../pipeline/client.js';
import chalk from 'chalk';
import { openConnection, reportClientEvents, type OpenedConnection } from '../../connection/connect.js';
import { onTermination, type Termination } from '../../signals.js';
import { safeLine } from '../../terminal/sanitize.js';
import type { Ui } from '../../terminal/ui.js';
import { knownCatalogue } from '../voices/voice-check.js';
import type { ReplKaraoke } from './repl-karaoke.js';
import type { ReplPlan } from './repl-plan.js';
import type { ReplScreen } from './repl-screen.js';
import { ReplSession } from './repl-session.js';

/** How long a line waits, retrying, while the account is over its concurrency limit. */
const OVER_LIMIT_WAIT_MS = 60_000;

interface ReplStop {
  controller: AbortController;
  termination: Termination;
  /** What a signal does now: each phase (before the loops, piped, at the prompt) sets its own. */
  onSignal: () => void;
  /** The loops have started: a second signal must finish the files first. */
  speaking: boolean;
  /** Piped lines stopped by a signal. */
  interrupted: boolean;
  finishFilesSync: () => void;
}

export interface ReplRun {
  plan: ReplPlan;
  screen: ReplScreen;
  karaoke: ReplKaraoke | null;
  stop: ReplStop;
  client: WavesClient;
  queue: UtteranceQueue;
  session: ReplSession;
  output: CountingSink | null;
}

/**
 * One handler for SIGINT, SIGTERM and SIGHUP in every phase (readline keeps Ctrl-C at an open
 * prompt; a SIGINT from outside, or after Ctrl-D while the queue plays, comes here). Before the
 * loops nothing has been spoken: leave at once, no file written and an old one untouched.
 */
export function watchSignals(): ReplStop {
  const controller = new AbortController();
  const stop: ReplStop = { controller, termination: undefined as unknown as Termination, onSignal: () => stop.termination.exitNow(), speaking: false, interrupted: false, finishFilesSync: () => {} };
  stop.termination = onTermination(
    () => {
      controller.abort();
      stop.onSignal();
    },
    // A second signal exits at once: the output and a /save recording still end as valid files.
    { force: () => stop.speaking && stop.finishFilesSync() },
  );
  return stop;
}

/** The -o file (if any) and the connection; a failure leaves neither behind. */
export async function openEnds({ flags, outputFormat, initial }: ReplPlan, ui: Ui, stop: ReplStop): Promise<{ output: CountingSink | null; connection: OpenedConnection }> {
  let output: CountingSink | null = null;
  try {
    output = flags.output && outputFormat ? await openFileSink(flags.output, { format: outputFormat, sampleRate: initial.sampleRate, signal: stop.controller.signal }) : null;
    return { output, connection: await openConnection(flags, ui) };
  } catch (error) {
    stop.termination.dispose();
    await output?.abort();
    throw error;
  }
}

export function openReplClient({ flags, initial, interactive }: ReplPlan, connection: OpenedConnection, screen: ReplScreen, ui: Ui): WavesClient {
  const client = new WavesClient({
    apiKey: connection.apiKey, baseUrl: connection.baseUrl, route: connection.route, settings: initial, idleTimeoutSeconds: flags.idleTimeout,
    trace: connection.trace,
    agent: connection.agent,
    overLimitRetryMs: OVER_LIMIT_WAIT_MS,
  });
  const print = (text: string) => screen.print(text);
  client.on('over_limit', ({ delayMs }) => print(chalk.yellow(`… the account is at its concurrency limit: retrying in ${(delayMs / 1000).toFixed(1)} s`)));
  if (interactive) {
    client.on('connected', ({ model }) => print(chalk.green(`● connected (${model})`)));
    client.on('disconnected', ({ code, reason }) => reason !== 'client closed' && print(chalk.dim(`○ disconnected${reason ? `: ${safeLine(reason)}` : ` (code ${code})`}`)));
    client.on('reconnecting', ({ attempt, reason }) => print(chalk.yellow(`… reconnecting (attempt ${attempt}${reason ? `; ${safeLine(reason)}` : ''})`)));
    client.on('connection_error', (error) => print(`${chalk.red('connection error:')} ${safeLine(error.message)}`));
  }
  reportClientEvents(client, ui);
  return client;
}

/** The queue that plays (or writes) each line in turn, and the session that reads the lines. */
export function startSession(plan: ReplPlan, screen: ReplScreen, karaoke: ReplKaraoke | null, client: WavesClient, output: CountingSink | null, stop: ReplStop): ReplRun {
  const { flags, initial } = plan;
  const queue = new UtteranceQueue({
    openSink: async (rate): Promise<AudioSink> => output ?? SpeakerSink.open(rate, { device: flags.device }),
    onError: (error) => session.fail(error),
    onUtterance: (stream, sink) => karaoke?.start(stream, sink),
    onUtteranceEnd: (stream) => karaoke?.stop(stream),
    onWord: (stream, word) => karaoke?.word(stream, word),
  });
  const catalogue = (model: string) => knownCatalogue({ offline: flags.offline, baseUrl: flags.baseUrl, model });
  const session = new ReplSession({ client, queue, out: screen.out, initial, outputFile: flags.output, catalogue, columns: () => process.stdout.columns, signal: stop.controller.signal });
  stop.finishFilesSync = () => {
    output?.finishSync?.();
    session.finishRecordingSync();
  };
  return { plan, screen, karaoke, stop, client, queue, session, output };
}
