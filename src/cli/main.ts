// The one place the process ends: runs the program, renders errors, sets the exit code.
import { CommanderError, type Command } from 'commander';
import { buildProgram } from './program.js';
import { watchStdout } from './stdout.js';
import { addSecret, redact, redactOutput } from './secrets.js';

// Node 20 marks WASI experimental and says so on stderr; the offline voice runs on it deliberately.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'ExperimentalWarning' && /WASI/.test(warning.message)) return;
  process.stderr.write(`${warning.name}: ${warning.message}\n`);
});
// Every string on stdout and stderr, whoever writes it, is redacted of the API key and bearer tokens.
redactOutput();
addSecret(process.env.SMALLEST_API_KEY?.trim());
// A reader that leaves the pipe (`| head`) must not crash the process with a stack trace.
watchStdout();
// Nor may a failure outside the command's own flow: one line, exit 1 (the stack with SMALLEST_TTS_DEBUG).
// The error report is loaded only when there is an error to report: a start that succeeds never parses it.
let lastResortRunning = false;
const lastResort = async (error: unknown) => {
  if (lastResortRunning) return; // the first failure is the one reported
  lastResortRunning = true;
  const { describeError } = await import('./report-error.js');
  const report = describeError(error);
  if (!report.quiet) process.stderr.write(redact(`error: ${report.message}\n${report.hint ? `${report.hint}\n` : ''}`));
  if (process.env.SMALLEST_TTS_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(report.quiet ? report.exitCode : Math.max(1, report.exitCode));
};
process.on('uncaughtException', lastResort);
process.on('unhandledRejection', lastResort);

/** The command that ran, if it asked for --json: failures are then reported as JSON too. */
function jsonTarget(program: Command): NodeJS.WriteStream | null {
  const say = program.commands.find((c) => c.name() === 'say');
  const opts = say?.opts<{ json?: boolean; output?: string }>();
  if (!opts?.json) return null;
  return opts.output && opts.output !== '-' ? process.stdout : process.stderr;
}

async function main(): Promise<number> {
  const program = buildProgram({ optionsOnDemand: true });
  try {
    await program.parseAsync(process.argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0; // a command may set its own
  } catch (error) {
    // Commander has printed it; it exits 0 for --help and --version, non-zero for misuse (even a bare call).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const { describeError, errorJson } = await import('./report-error.js');
    const report = describeError(error);
    // A usage error always says where to look next.
    const command = program.commands.find((c) => c.name() === program.args[0]);
    if (report.exitCode === 2 && !report.hint) report.hint = `Run smallest-tts ${command ? `${command.name()} ` : ''}--help for usage.`;
    if (!report.quiet) {
      const { formatError } = await import('./terminal/ui.js');
      process.stderr.write(`${await formatError(report.message, report.hint)}\n`);
      if (process.env.SMALLEST_TTS_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      jsonTarget(program)?.write(`${errorJson(report)}\n`);
    }
    return report.exitCode;
  }
}

process.exitCode = await main();
