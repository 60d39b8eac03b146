// How a failure reaches the user: one `error:` line and one line of what to do, made safe for the
// terminal, never a stack trace (unless SMALLEST_TTS_DEBUG is set); and the exit code.
import { ApiError, ConnectionError, SmallestTtsError, UsageError } from '../core/errors.js';
import { networkFailure, type NetworkFailureKind } from '../waves/network-failure.js';
import { safeLine, safeText } from './terminal/sanitize.js';

const PROXY = 'behind a proxy, set HTTPS_PROXY (and NO_PROXY for hosts to reach directly)';

/** The next step for each way a connection can fail. */
const NETWORK_HINTS: Record<NetworkFailureKind, string> = {
  dns: `Check the network and the host in --base-url; ${PROXY}; without a network, --offline speaks with the local voice.`,
  refused: 'Check the host and port in --base-url and that the server runs there (smallest-tts serve listens on 8765), or use --offline.',
  tls: 'Check the scheme in --base-url: wss:// for a TLS server, ws:// for a plain local one; a proxy that inspects TLS needs its CA in NODE_EXTRA_CA_CERTS.',
  timeout: `Check the network and --base-url; ${PROXY}; or use --offline.`,
  unreachable: `Check the network and --base-url; ${PROXY}; without a network, --offline speaks with the local voice.`,
  reset: `Try again; if it keeps happening, check --base-url, or a proxy (HTTPS_PROXY, NO_PROXY).`,
};

/** The next step after a file could not be written or read, by the system's code. */
const FILE_HINTS: Record<string, string> = {
  ENOENT: 'Create the folder first (mkdir -p), or name a path in a folder that exists.',
  ENOTDIR: 'A part of the path is a file, not a folder: name a path in a folder that exists.',
  EACCES: 'Choose a folder you can write to, or check its permissions.',
  EPERM: 'Choose a folder you can write to, or check its permissions.',
  EISDIR: 'Name a file, not a folder.',
  ENOSPC: 'Free some space, or write to another disk.',
  EROFS: 'Write to a folder on a writable file system.',
  EMFILE: 'Close other programs or raise the limit (ulimit -n), then try again.',
  EIO: 'The disk or device reported an error: try another path.',
};

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

/**
 * The next step for an error: for a network failure the one that fits its kind, else the error's
 * own, else one for a file that could not be written; undefined when nothing specific is known.
 */
/** Whether a proxy (not the service) failed the connection: the proxy agent names its errors so. */
function proxyFailed(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) if ((e as Error).name === 'ProxyError') return true;
  return false;
}

export function actionableHint(error: SmallestTtsError): string | undefined {
  if (error instanceof ConnectionError && proxyFailed(error)) return 'Check HTTPS_PROXY / HTTP_PROXY (the proxy it names), or exempt the host with NO_PROXY.';
  if (error instanceof ConnectionError) {
    const failure = networkFailure(error.cause);
    if (failure) return NETWORK_HINTS[failure.kind];
  }
  if (error.hint !== undefined) return error.hint;
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
  if (specific !== undefined || error.exitCode !== 1) return specific;
  if (error instanceof ApiError) return "That is the service's own message: check what it names, or try again later.";
  return 'Run again with --verbose to see what happened before it.';
}

export interface ErrorReport {
  message: string;
  hint?: string;
  exitCode: number;
  /** Nothing to print: an interrupt (the user knows) or a reader that left the pipe. */
  quiet: boolean;
  /** A stable name for scripts (`--json`): the error's class, or an errno code. */
  name: string;
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
    return {
      message: messageText(error, error.message),
      hint: hint === undefined ? undefined : safeText(hint),
      exitCode: error.exitCode,
      quiet: [129, 130, 141, 143].includes(error.exitCode), // signals and a reader that left
      name: error.name,
    };
  }
  const errno = error as NodeJS.ErrnoException | undefined;
  if (errno && typeof errno.code === 'string' && ERRNO[errno.code]) {
    const where = errno.path ? `${errno.path}: ` : '';
    return { message: safeLine(`${where}${ERRNO[errno.code]} (${errno.code})`, 500), hint: FILE_HINTS[errno.code], exitCode: 1, quiet: false, name: errno.code };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: safeLine(message || 'an unknown failure', 500),
    hint: 'This looks like a bug in smallest-tts: run again with SMALLEST_TTS_DEBUG=1 for details and report it.',
    exitCode: 1,
    quiet: false,
    name: error instanceof Error ? error.name : 'Error',
  };
}

/** The JSON object `--json` prints on failure (its strings already made safe and redacted by describeError). */
export function errorJson(report: ErrorReport): string {
  return JSON.stringify({ error: { name: report.name, message: report.message, hint: report.hint ?? null, exitCode: report.exitCode } });
}
