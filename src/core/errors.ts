// Typed errors: each carries a message in the library's own words, a stable machine `code` and the
// `data` a program needs to act on it (the value that was wrong, the setting it belongs to). What a
// command-line user should do next, and the exit code, are the CLI's to say (src/cli/hints.ts).

/** Structured facts about a failure: the value that was wrong, the setting's name in the library's terms, … */
export type ErrorData = Readonly<Record<string, unknown>>;

interface SmallestTtsErrorOptions {
  /** A stable name for programs: 'bad_base_url', 'model_retired', … (each class has a default). */
  code?: string;
  data?: ErrorData;
  /** A next step in the library's words (no flags, no environment variables). */
  hint?: string;
  cause?: unknown;
}

export class SmallestTtsError extends Error {
  readonly code: string;
  readonly data: ErrorData;
  readonly hint?: string;

  constructor(message: string, options: SmallestTtsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'failed';
    this.data = Object.freeze({ ...options.data });
    this.hint = options.hint;
  }
}

/**
 * Bad input from the user: settings, text, paths. A problem with one setting carries
 * `data: { setting, value, problem }`, `problem` phrased to follow the setting's name, so a caller
 * can name the setting in its own words ("--base-url …", "/speed …").
 */
export class UsageError extends SmallestTtsError {
  /** `hint` may be a string (a next step) or the options; the code defaults to 'usage'. */
  constructor(message: string, hint?: string | SmallestTtsErrorOptions) {
    const options = typeof hint === 'string' ? { hint } : hint ?? {};
    super(message, { ...options, code: options.code ?? 'usage' });
  }
}

/** A UsageError about one setting: "The base URL is not a URL: …", with the setting and the value as data. */
export function settingError(setting: string, label: string, problem: string, value: unknown, options: SmallestTtsErrorOptions = {}): UsageError {
  return new UsageError(`${label} ${problem}`, { ...options, code: options.code ?? 'bad_setting', data: { setting, value, problem, ...options.data } });
}

/** The server refused the API key (HTTP 401/403 on the upgrade). */
export class AuthError extends SmallestTtsError {
  readonly status: number;
  constructor(status: number) {
    super(`The API key was refused (HTTP ${status}).`, { code: 'auth_refused', data: { status }, hint: 'Check the API key.' });
    this.status = status;
  }
}

/** The model the current routes serve; a retired model's error names it. */
const CURRENT_MODEL = 'lightning_v3.1';

/** The model's routes answer HTTP 410: it was retired. */
export class ModelRetiredError extends SmallestTtsError {
  readonly model: string;
  constructor(model: string, serverMessage?: string) {
    super(serverMessage ? `Model ${model} is retired: ${serverMessage}` : `Model ${model} is retired.`, {
      code: 'model_retired',
      data: { model, current: CURRENT_MODEL },
      hint: `Use the model ${CURRENT_MODEL} (the current model).`,
    });
    this.model = model;
  }
}

/**
 * What a refusal means, read from its HTTP status, code and message together: no error codes are
 * documented, so the words decide. `over-limit`: too many requests at once for the account (retry
 * later); `unknown-voice`: the voice id is not known.
 */
type RefusalKind = 'over-limit' | 'unknown-voice' | 'other';

const OVER_LIMIT = /concurren|too[ _-]?many|rate[ _-]?limit|throttl|quota|(active|parallel|simultaneous)[ _-]requests?|limit[ _-](reached|exceeded|hit)|over[ _-](the[ _-])?limit/i;
/** A limit on the text itself is no reason to wait. */
const TEXT_LIMIT = /charact|text|length|too[ _-]?long|size/i;
const VOICE = /voice/i;
const NOT_KNOWN = /invalid|unknown|not[ _-]?found|does ?n[o']t exist|no such|unsupported|not available|not recogni[sz]ed/i;

export function refusalKind(refusal: { status?: number; code?: string; message: string }): RefusalKind {
  const words = `${refusal.code ?? ''} ${refusal.message}`;
  if (refusal.status === 429 || (OVER_LIMIT.test(words) && !TEXT_LIMIT.test(words))) return 'over-limit';
  if (VOICE.test(words) && NOT_KNOWN.test(words)) return 'unknown-voice';
  return 'other';
}

/** What a refusal's kind is called as an error code. */
const REFUSAL_CODES: Record<RefusalKind, string> = { 'over-limit': 'over_limit', 'unknown-voice': 'unknown_voice', other: 'api_error' };

/**
 * The server answered a request with an error frame or an HTTP error. `code` is ours ('over_limit',
 * 'unknown_voice', 'api_error'); the service's own code, when it sent one, is `serverCode`.
 */
export class ApiError extends SmallestTtsError {
  readonly serverCode?: string;
  readonly status?: number;
  readonly kind: RefusalKind;
  /** `options.code` is the service's own code, as its error frame spells it. */
  constructor(message: string, options: { code?: string; status?: number } = {}) {
    const kind = refusalKind({ ...options, message });
    super(`The Waves API reported an error: ${message}`, {
      code: REFUSAL_CODES[kind],
      data: { serverMessage: message, serverCode: options.code, status: options.status },
    });
    this.serverCode = options.code;
    this.status = options.status;
    this.kind = kind;
  }
}

/** The socket could not be opened, or dropped and could not be reopened ('connection_failed' unless a caller says more). */
export class ConnectionError extends SmallestTtsError {
  /** The third argument is a next step (a string), or the options. */
  constructor(message: string, cause?: unknown, hint?: string | Omit<SmallestTtsErrorOptions, 'cause'>) {
    const options = typeof hint === 'string' ? { hint } : hint ?? {};
    super(message, { ...options, cause, code: options.code ?? 'connection_failed' });
  }
}

/** Audio cannot be played on this machine. */
export class PlaybackUnavailableError extends SmallestTtsError {
  constructor(reason: string) {
    super(`Playback is unavailable: ${reason}`, { code: 'playback_unavailable', data: { reason }, hint: 'Write to a file or a stream instead (see README, Troubleshooting).' });
  }
}

/** The user interrupted (Ctrl-C). */
export class InterruptedError extends SmallestTtsError {
  constructor() {
    super('Interrupted.', { code: 'interrupted' });
  }
}
