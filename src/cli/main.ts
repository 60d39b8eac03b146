// The one place the process ends: runs the program, renders errors, sets the exit code.
import { CommanderError } from 'commander';
import { SmallestTtsError } from '../errors.js';
import { buildProgram } from './program.js';

// Node 20 marks WASI experimental and says so on stderr; the offline voice runs on it deliberately.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'ExperimentalWarning' && /WASI/.test(warning.message)) return;
  process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

async function main(): Promise<number> {
  try {
    await buildProgram().parseAsync(process.argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0; // a command may set its own
  } catch (error) {
    // Commander has printed it; it exits 0 for --help and --version, non-zero for misuse (even a bare call).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const { formatError } = await import('./ui.js');
    if (error instanceof SmallestTtsError) {
      if (error.exitCode !== 130) process.stderr.write(`${await formatError(error.message, error.hint)}\n`);
      return error.exitCode;
    }
    process.stderr.write(`${await formatError(`unexpected failure: ${(error as Error)?.stack ?? String(error)}`)}\n`);
    return 1;
  }
}

process.exitCode = await main();
