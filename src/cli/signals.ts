// Ending on a signal like Ctrl-C: SIGINT, SIGTERM and SIGHUP all stop the work and let the command
// finish its files (exit 130, 143, 129); a second signal exits at once after a synchronous finish,
// and every temporary file still in progress is removed: no `.part` is ever left.
import { InterruptedError, SmallestTtsError } from '../core/errors.js';
import { removeTempsSync } from '../core/files/temp-files.js';

type TerminationSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** 128 + the signal's number, as shells report a process ended by it. */
const SIGNAL_EXIT_CODES: Readonly<Record<TerminationSignal, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Ended by SIGTERM or SIGHUP (SIGINT is InterruptedError): nothing to print, the signal's exit code. */
export class TerminatedError extends SmallestTtsError {
  readonly signal: TerminationSignal;
  constructor(signal: TerminationSignal) {
    super(`Terminated by ${signal}.`, { code: 'terminated', data: { signal, exitCode: SIGNAL_EXIT_CODES[signal] } });
    this.signal = signal;
  }
}

export interface Termination {
  /** The first signal received, if any. */
  readonly signal: TerminationSignal | undefined;
  /** Its exit code (130, 143 or 129), if a signal came. */
  readonly exitCode: number | undefined;
  /** The error to end the command with: InterruptedError for SIGINT, else TerminatedError. */
  error(): SmallestTtsError;
  /** Exits now with the first signal's code, as a second signal would: `force`, then temporary files removed. */
  exitNow(): never;
  /** The command is done with its files (call in a finally, after its cleanup): a later signal just exits with its code. */
  dispose(): void;
}

/** How long the process may take to stop after one signal before it exits as after a second. */
const STOP_WITHIN_MS = 800;

interface TerminationOptions {
  /** Which signals to handle; default all three. The interactive REPL leaves SIGINT to readline. */
  signals?: readonly TerminationSignal[];
  /** Runs before a forced exit on the second signal: finish files synchronously (finishSync); other temporary files are then removed. */
  force?: () => void;
  /** How long the command may take to stop after the first signal; then it exits as after a second. Default 1 s. */
  graceMs?: number;
}

/**
 * Calls `handler` once, on the first of the signals; the command should then stop and clean up.
 * A second signal, or the first one's grace running out, runs `force`, removes the temporary files
 * still in progress, and exits with the first signal's code without waiting.
 */
export function onTermination(handler: (signal: TerminationSignal, exitCode: number) => void, options: TerminationOptions = {}): Termination {
  const signals = options.signals ?? (['SIGINT', 'SIGTERM', 'SIGHUP'] as const);
  let received: TerminationSignal | undefined;
  let force = options.force;
  const exitNow = (): never => {
    const signal = received ?? 'SIGINT';
    try {
      force?.();
    } catch {
      // Exiting regardless: the temporary files must still go.
    } finally {
      removeTempsSync();
    }
    process.exit(SIGNAL_EXIT_CODES[signal]);
  };
  const listener = (signal: TerminationSignal) => {
    if (received) exitNow();
    received = signal;
    // Whatever still waits a second from now (a reader that stopped reading, a server that does not
    // close) does not hold the process: it ends as a second signal would, files finished.
    setTimeout(exitNow, options.graceMs ?? STOP_WITHIN_MS).unref();
    handler(signal, SIGNAL_EXIT_CODES[signal]);
  };
  const late = (signal: TerminationSignal) => {
    received ??= signal;
    exitNow();
  };
  for (const signal of signals) process.on(signal, listener);
  return {
    get signal() {
      return received;
    },
    get exitCode() {
      return received && SIGNAL_EXIT_CODES[received];
    },
    error: () => (received === undefined || received === 'SIGINT' ? new InterruptedError() : new TerminatedError(received)),
    exitNow,
    // The command's work is over, but the process may still be closing sockets or printing: a signal
    // now ends it at once with the first signal's code (or its own), never by the default action
    // halfway through a cleanup.
    dispose: () => {
      force = undefined;
      for (const signal of signals) {
        process.off(signal, listener);
        process.on(signal, late);
      }
    },
  };
}
