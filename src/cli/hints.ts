// The CLI's words for the library's errors: an error's code (and data) → the exit code, the next
// step naming flags and environment variables, and a message that names a setting by its flag.
// The core speaks of settings (`baseUrl`); only here do they become `--base-url` or SMALLEST_API_KEY.
import { SmallestTtsError, UsageError, type ErrorData } from '../core/errors.js';
import type { NetworkFailureKind } from '../waves/network-failure.js';

/** Bad input: flags, settings, text. */
export const USAGE_EXIT = 2;
/** The reader of a pipe left (128 + SIGPIPE): the CLI ends quietly. */
export const BROKEN_PIPE_EXIT = 141;
const INTERRUPTED_EXIT = 130;

const EXIT_CODES: Readonly<Record<string, number>> = {
  interrupted: INTERRUPTED_EXIT,
  output_closed: BROKEN_PIPE_EXIT,
};

/** The exit code an error ends the CLI with: a usage error 2, a signal 128 + its number, else 1. */
export function exitCodeFor(error: SmallestTtsError): number {
  if (error instanceof UsageError) return USAGE_EXIT;
  // Errors made in src/cli (a signal's) may carry their exit code as data.
  if (typeof error.data.exitCode === 'number') return error.data.exitCode;
  return EXIT_CODES[error.code] ?? 1;
}

/** Exit codes after which the CLI prints nothing: the signals (the user knows) and a reader that left. */
export function isQuietExit(exitCode: number): boolean {
  return [129, INTERRUPTED_EXIT, BROKEN_PIPE_EXIT, 143].includes(exitCode);
}

/** A setting's flag: baseUrl → --base-url. */
function flagFor(setting: string): string {
  return `--${setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const text = (value: unknown): string => (Array.isArray(value) ? value.join('|') : String(value));

/** Next steps that name flags and environment variables, by code; they replace the library's own. */
const HINTS: Readonly<Record<string, (data: ErrorData) => string>> = {
  missing_api_key: () => 'Set SMALLEST_API_KEY (or pass --api-key), or use --offline to try the local voice.',
  bad_api_key: () => 'Check SMALLEST_API_KEY for a stray newline.',
  auth_refused: () => 'Check SMALLEST_API_KEY or --api-key.',
  model_retired: (data) => `Use --model ${text(data.current)} (the current model).`,
  base_url_credentials: () => 'Give the key with SMALLEST_API_KEY or --api-key instead.',
  insecure_base_url: () => 'Use wss://, or pass --insecure if you really mean it.',
  unknown_extension: (data) => `Formats: ${text(data.formats)}; or name one with --format.`,
  unknown_manifest_extension: (data) => `Name it .txt, .jsonl or .csv, or pass --manifest-format ${text(data.formats)}.`,
  no_text: () => 'Give it as arguments, with -f FILE, or on stdin: echo hi | smallest-tts say',
  playback_unavailable: () => 'Write a file instead with -o out.wav, or pipe with -o - (see README, Troubleshooting).',
  output_write_failed: () => 'Free some space or choose another output with -o.',
};

/** Next steps for errors that came without one of their own. */
const FALLBACK_HINTS: Readonly<Record<string, string>> = {
  connection_failed: 'Check the network and --base-url.',
};

/** The CLI's next step for an error's code, else the error's own, else a fallback for its code. */
export function hintForCode(error: SmallestTtsError): string | undefined {
  return HINTS[error.code]?.(error.data) ?? error.hint ?? FALLBACK_HINTS[error.code];
}

const PROXY = 'behind a proxy, set HTTPS_PROXY (and NO_PROXY for hosts to reach directly)';

/** The next step for each way a connection can fail. */
export const NETWORK_HINTS: Readonly<Record<NetworkFailureKind, string>> = {
  dns: `Check the network and the host in --base-url; ${PROXY}; without a network, --offline speaks with the local voice.`,
  refused: 'Check the host and port in --base-url and that the server runs there (smallest-tts serve listens on 8765), or use --offline.',
  tls: 'Check the scheme in --base-url: wss:// for a TLS server, ws:// for a plain local one; a proxy that inspects TLS needs its CA in NODE_EXTRA_CA_CERTS.',
  timeout: `Check the network and --base-url; ${PROXY}; or use --offline.`,
  unreachable: `Check the network and --base-url; ${PROXY}; without a network, --offline speaks with the local voice.`,
  reset: `Try again; if it keeps happening, check --base-url, or a proxy (HTTPS_PROXY, NO_PROXY).`,
};

/** A proxy (not the service) failed the connection. */
export const PROXY_FAILED_HINT = 'Check HTTPS_PROXY / HTTP_PROXY (the proxy it names), or exempt the host with NO_PROXY.';

/** The next step after a file could not be written or read, by the system's code. */
export const FILE_HINTS: Readonly<Record<string, string>> = {
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

/** The general next steps, when nothing specific is known. */
export const GENERAL_HINTS = {
  serviceMessage: "That is the service's own message: check what it names, or try again later.",
  runVerbose: 'Run again with --verbose to see what happened before it.',
  bug: 'This looks like a bug in smallest-tts: run again with SMALLEST_TTS_DEBUG=1 for details and report it.',
} as const;

/** Errors about a value given by a flag (or its environment variable): their message names the flag. */
const FLAG_MESSAGES = new Set(['bad_route', 'bad_base_url', 'base_url_credentials', 'unknown_manifest_format', 'bad_shard']);

/** Messages the CLI words differently from the library. */
const MESSAGES: Readonly<Record<string, string>> = {
  text_twice: 'Give the text as arguments or with --file, not both.',
};

/** The message in the CLI's words: "--base-url is not a URL: …" for the library's "The base URL is not a URL: …". */
export function messageFor(error: SmallestTtsError): string {
  const { setting, problem } = error.data;
  if (FLAG_MESSAGES.has(error.code) && typeof setting === 'string' && typeof problem === 'string') return `${flagFor(setting)} ${problem}`;
  return MESSAGES[error.code] ?? error.message;
}

/** What follows a flag's name in an error about its value ("must be a number (got "x")"), for commander's argument errors. */
export function problemFor(error: unknown): string {
  if (error instanceof SmallestTtsError && typeof error.data.problem === 'string') return error.data.problem;
  return error instanceof Error ? error.message : String(error);
}
