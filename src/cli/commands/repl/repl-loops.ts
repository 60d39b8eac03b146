// The REPL's lines: from a person at the prompt, or piped in; each handed to the session in order.
import * as readline from 'node:readline';
import chalk from 'chalk';
import { probePlayback } from '../../../audio/speaker.js';
import { knownVoices } from '../voices/voice-names.js';
import { loadHistory, saveHistory } from './repl-history.js';
import type { ReplRun } from './repl-parts.js';
import { completeLine } from './repl-session.js';

/** Connect, run the loop that fits stdin, then finish the recording, the queue and the -o file. */
export async function speakLines(run: ReplRun): Promise<void> {
  const { plan, client, output, queue, session, stop } = run;
  if (!output) await probePlayback({ device: plan.flags.device, sampleRate: plan.initial.sampleRate });
  if (plan.interactive) process.stdout.write(`${chalk.bold('smallest-tts repl')} ${chalk.dim('— type text to hear it; /help for commands; Ctrl-D to leave')}\n`);
  await client.connect();
  stop.speaking = true;
  if (plan.interactive) await interactiveLoop(run);
  else await pipedLoop(run);
  await session.stopRecording();
  await queue.close();
  await output?.end();
}

async function stopSpeech({ client, queue }: ReplRun): Promise<void> {
  client.interrupt();
  await queue.stop();
}

/** Lines from a pipe, in order. Ctrl-C, SIGTERM, SIGHUP stop the speech and the input; the files are still finished. */
async function pipedLoop(run: ReplRun): Promise<void> {
  const lines = readline.createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  run.stop.onSignal = () => {
    run.stop.interrupted = true;
    lines.close();
    void stopSpeech(run);
  };
  for await (const line of lines) {
    if (run.stop.interrupted || (await run.session.handleLine(line)) === 'quit') break;
  }
  lines.close();
}

function openPrompt({ client, karaoke, screen }: ReplRun): readline.Interface {
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
  screen.rl = prompt;
  // Runs before readline's own handler: a key pressed while karaoke covers the prompt gets the prompt back first.
  if (karaoke) process.stdin.prependListener('keypress', () => karaoke.yieldToTyping());
  prompt.on('history', saveHistory);
  return prompt;
}

/** Ctrl-C at the prompt stops the speech (readline's SIGINT); with nothing playing it says how to leave. */
function onPromptCtrlC(run: ReplRun): void {
  if (run.queue.busy) {
    void stopSpeech(run).then(() => {
      run.screen.print(chalk.dim('■ stopped'));
      void run.client.connect().catch(() => {}); // ready for the next line
    });
  } else {
    run.screen.print(chalk.dim('(To leave, press Ctrl-D or type /quit)'));
  }
}

function interactiveLoop(run: ReplRun): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const prompt = openPrompt(run);
    // SIGTERM, SIGHUP, and SIGINT from outside or after Ctrl-D: leave as Ctrl-D does, without the
    // queued speech (Ctrl-C at the open prompt is readline's: it stops the speech only).
    run.stop.onSignal = () => void stopSpeech(run).then(() => prompt.close());
    let chain: Promise<unknown> = Promise.resolve();
    let quitting = false;
    const quit = () => {
      if (quitting) return;
      quitting = true;
      chain.then(() => run.queue.idle()).then(() => resolve(), reject);
      prompt.close();
    };
    prompt.on('SIGINT', () => onPromptCtrlC(run));
    prompt.on('line', (line) => {
      chain = chain.then(async () => {
        if ((await run.session.handleLine(line)) === 'quit') quit();
        else if (!quitting) prompt.prompt();
      }, reject);
    });
    prompt.on('close', () => {
      run.screen.rl = null;
      process.stdout.write('\n');
      quit();
    });
    prompt.prompt();
  });
}
