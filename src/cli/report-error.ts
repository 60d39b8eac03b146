// How a failure reaches the user: one `error:` line and one line of what to do, made safe for the
// terminal, never a stack trace (unless SMALLEST_TTS_DEBUG is set); and the exit code. The words for
// each error code come from hints.ts.
import { ApiError, ConnectionError, SmallestTtsError, UsageError } from '../core/errors.js';
import { FILE_HINTS, GENERAL_HINTS, NETWORK_HINTS, PROXY_FAILED_HINT, exitCodeFor, hintForCode, isQuietExit, messageFor } from './hints.js';
import { networkFailure } from '../waves/network-failure.js';
import { safeLine, safeText } from './terminal/sanitize.js';

/** Calls on sockets, not files: their EACCES or EADDRINUSE are no file's. */
const SOCKET_CALLS = new Set(['listen', 'bind', 'connect', 'getaddrinfo', 'accept']);

/** A file error's code anywhere in the error's cause chain. */
function fileErrorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, syscall } = e as { code?: unknown; syscall?: unknown };
    if (typeof code === 'string' && FILE_HINTS[code] && !(typeof syscall === 'string' && SOCKET_CALLS.has(syscall))) return code;
  }
  return undefined;
}

/** Whether a proxy (not the service) failed the connection: the proxy agent names its errors so. */
function proxyFailed(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) if ((e as Error).name === 'ProxyError') return true;
  return false;
}

/**
 * The next step for an error: for a network failure the one that fits its kind, else the one for
 * its code (hints.ts), else one for a file that could not be written; undefined when nothing
 * specific is known.
 */
export function actionableHint(error: SmallestTtsError): string | undefined {
  if (error instanceof ConnectionError && proxyFailed(error)) return PROXY_FAILED_HINT;
  if (error instanceof ConnectionError) {
    const failure = networkFailure(error.cause);
    if (failure) return NETWORK_HINTS[failure.kind];
  }
  const hint = hintForCode(error);
  if (hint !== undefined) return hint;
  const code = fileErrorCode(error.cause) ?? fileProblemCode(error.message);
  return code ? FILE_HINTS[code] : undefined;
}

/** A refused output path described in words ("Cannot write x: its folder does not exist."): the code it stands for. */
function fileProblemCode(message: string): string | undefined {
  if (!/^Cannot write /.test(message)) return undefined;
  if (/folder does not exist|no such/i.test(message)) return 'ENOENT';
  if (/read-only/i.test(message)) return 'EROFS';
  if (/permission denied/i.test(message)) return 'EACCES';
  if (/disk is full|no space/i.test(message)) return 'ENOSPC';
  return undefined;
}

/** Every error ends with a line of what to do: a specific one, else the general next step. */
function hintFor(error: SmallestTtsError): string | undefined {
  const specific = actionableHint(error);
  if (specific !== undefined || exitCodeFor(error) !== 1) return specific;
  if (error instanceof ApiError) return GENERAL_HINTS.serviceMessage;
  return GENERAL_HINTS.runVerbose;
}

export interface ErrorReport {
  message: string;
  hint?: string;
  exitCode: number;
  /** Nothing to print: an interrupt (the user knows) or a reader that left the pipe. */
  quiet: boolean;
  /** A stable name for scripts (`--json`): the error's class, or an errno code. */
  name: string;
  /** The error's stable code ('bad_base_url', 'model_retired', …), or an errno code; 'unexpected' for a bug. */
  code: string;
}

/** System errors that can escape a library (Node's errno errors) and what they mean in words. */
const ERRNO: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such file or directory',
  EISDIR: 'it is a directory',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/**
 * A message on one line, made safe: text a server or a library supplied cannot forge a second line.
 * Our own usage errors may list several problems, one per line (a manifest's), so they keep theirs.
 */
function messageText(error: unknown, message: string): string {
  return error instanceof UsageError ? safeText(message) : safeLine(message, 500);
}

export function describeError(error: unknown): ErrorReport {
  if (error instanceof SmallestTtsError) {
    const hint = hintFor(error);
    const exitCode = exitCodeFor(error);
    return {
      message: messageText(error, messageFor(error)),
      hint: hint === undefined ? undefined : safeText(hint),
      exitCode,
      quiet: isQuietExit(exitCode),
      name: error.name,
      code: error.code,
    };
  }
  const errno = error as NodeJS.ErrnoException | undefined;
  if (errno && typeof errno.code === 'string' && ERRNO[errno.code]) {
    const where = errno.path ? `${errno.path}: ` : '';
    return { message: safeLine(`${where}${ERRNO[errno.code]} (${errno.code})`, 500), hint: FILE_HINTS[errno.code], exitCode: 1, quiet: false, name: errno.code, code: errno.code };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: safeLine(message || 'an unknown failure', 500),
    hint: GENERAL_HINTS.bug,
    exitCode: 1,
    quiet: false,
    name: error instanceof Error ? error.name : 'Error',
    code: 'unexpected',
  };
}

/** The JSON object `--json` prints on failure (its strings already made safe and redacted by describeError). */
export function errorJson(report: ErrorReport): string {
  return JSON.stringify({ error: { name: report.name, code: report.code, message: report.message, hint: report.hint ?? null, exitCode: report.exitCode } });
}
