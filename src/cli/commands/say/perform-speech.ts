// One `say`-like run from its plan: read the text, open the connection and the client, speak, and
// always clean up; Ctrl-C, SIGTERM or SIGHUP in any phase stops it with a valid file.
import { UsageError } from '../../../core/errors.js';
import type { TextInput } from '../../../text/fragments.js';
import { NOTHING_TO_SPEAK, whenTextArrives } from '../../../text/input.js';
import { WavesClient } from '../../../pipeline/client.js';
import { openConnection, reportClientEvents, type OpenedConnection } from '../../connection/connect.js';
import { onTermination, type Termination } from '../../signals.js';
import { flushStdout } from '../../stdout.js';
import { safeLine } from '../../terminal/sanitize.js';
import { checkVoice, checkWordTimings } from '../voices/voice-check.js';
import { OVER_LIMIT_WAIT_MS } from './say-report.js';
import type { SpeechPlan, SpeechRun } from './speech-plan.js';
import { speak } from './speak.js';

export async function performSpeech(plan: SpeechPlan, readInput: (signal: AbortSignal) => Promise<TextInput>): Promise<void> {
  const controller = new AbortController();
  const run: SpeechRun = { controller, signal: controller.signal, termination: undefined as unknown as Termination };
  // A second signal does not wait, but the file still ends valid (or, before any audio, no temporary file is left).
  run.termination = onTermination(() => controller.abort(), { force: () => run.sink?.finishSync?.() });
  let client: WavesClient | undefined;
  let connection: OpenedConnection | undefined;
  try {
    // Text from a FIFO or a pipe may be slow to come: a signal ends the wait.
    const input = await unlessStopped(run, readInput(run.signal));
    // A voice the cached catalogue (or the offline voice) does not have never costs a request.
    checkVoice(plan.settings.voice, plan.known?.map((v) => v.voiceId) ?? null, plan.flags.voiceArgument);
    if (plan.subtitles) checkWordTimings(plan.settings.voice, plan.known, '--subtitles');
    connection = await openConnection(plan.flags, plan.ui);
    if (run.signal.aborted) throw run.termination.error();
    client = openClient(plan, connection);
    // Streamed input: the socket opens while the first sentence is still being written; blank input closes it unused.
    if (typeof input !== 'string') void client.connect().catch(() => {});
    const text = await unlessStopped(run, whenTextArrives(input));
    if (run.signal.aborted) throw run.termination.error();
    if (text === null) throw new UsageError(NOTHING_TO_SPEAK);
    await speak(plan, run, text, client, connection);
  } finally {
    plan.ui.stopStatus();
    run.termination.dispose();
    if (run.sink) await run.sink.abort();
    await client?.close();
    await connection?.close();
    if (plan.output.kind === 'stdout') await flushStdout();
  }
}

/** A wait that a signal ends with the signal's error instead of whatever the aborted wait threw. */
function unlessStopped<T>(run: SpeechRun, waiting: Promise<T>): Promise<T> {
  return waiting.catch((error: unknown) => {
    throw run.signal.aborted ? run.termination.error() : error;
  });
}

function openClient({ flags, settings, ui }: SpeechPlan, connection: OpenedConnection): WavesClient {
  const client = new WavesClient({
    apiKey: connection.apiKey, baseUrl: connection.baseUrl, route: connection.route, settings, idleTimeoutSeconds: flags.idleTimeout,
    trace: connection.trace,
    agent: connection.agent,
    overLimitRetryMs: OVER_LIMIT_WAIT_MS,
  });
  reportClientEvents(client, ui);
  client.on('over_limit', ({ attempt, delayMs, message }) => {
    if (attempt === 1) ui.info(`The account is at its concurrency limit (${safeLine(message)}): retrying for up to ${OVER_LIMIT_WAIT_MS / 1000} s.`);
    void ui.status(`Waiting for a free request slot: retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s…`);
  });
  return client;
}
