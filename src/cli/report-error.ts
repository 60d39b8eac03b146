// How a failure reaches the user: one `error:` line and one line of what to do, made safe for the
// terminal, never a stack trace (unless SMALLEST_TTS_DEBUG is set); and the exit code.
import { SmallestTtsError, UsageError } from '../errors.js';
import { safeLine, safeText } from './sanitize.js';

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
    return {
      message: messageText(error, error.message),
      hint: error.hint === undefined ? undefined : safeText(error.hint),
      exitCode: error.exitCode,
      quiet: [129, 130, 141, 143].includes(error.exitCode), // signals and a reader that left
      name: error.name,
    };
  }
  const errno = error as NodeJS.ErrnoException | undefined;
  if (errno && typeof errno.code === 'string' && ERRNO[errno.code]) {
    const where = errno.path ? `${errno.path}: ` : '';
    return { message: safeLine(`${where}${ERRNO[errno.code]} (${errno.code})`, 500), exitCode: 1, quiet: false, name: errno.code };
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
