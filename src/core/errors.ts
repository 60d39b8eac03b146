// Typed errors: each carries a message a user can act on and the exit code the CLI should use.

export class SmallestTtsError extends Error {
  readonly exitCode: number;
  readonly hint?: string;

  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** Bad input from the user: flags, settings, text. Exit 2. */
export class UsageError extends SmallestTtsError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: 2, hint });
  }
}

/** The server refused the API key (HTTP 401/403 on the upgrade). */
export class AuthError extends SmallestTtsError {
  readonly status: number;
  constructor(status: number) {
    super(`The API key was refused (HTTP ${status}).`, {
      hint: 'Check SMALLEST_API_KEY or --api-key.',
    });
    this.status = status;
  }
}

/** The model's routes answer HTTP 410: it was retired. */
export class ModelRetiredError extends SmallestTtsError {
  readonly model: string;
  constructor(model: string, serverMessage?: string) {
    super(serverMessage ? `Model ${model} is retired: ${serverMessage}` : `Model ${model} is retired.`, {
      hint: 'Use --model lightning_v3.1 (the current model).',
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

/** The server answered a request with an error frame or an HTTP error. */
export class ApiError extends SmallestTtsError {
  readonly code?: string;
  readonly status?: number;
  readonly kind: RefusalKind;
  constructor(message: string, options: { code?: string; status?: number } = {}) {
    super(`The Waves API reported an error: ${message}`);
    this.code = options.code;
    this.status = options.status;
    this.kind = refusalKind({ ...options, message });
  }
}

/** The socket could not be opened, or dropped and could not be reopened. */
export class ConnectionError extends SmallestTtsError {
  constructor(message: string, cause?: unknown, hint = 'Check the network and --base-url.') {
    super(message, { cause, hint });
  }
}

/** Audio cannot be played on this machine. */
export class PlaybackUnavailableError extends SmallestTtsError {
  constructor(reason: string) {
    super(`Playback is unavailable: ${reason}`, {
      hint: 'Write a file instead with -o out.wav, or pipe with -o - (see README, Troubleshooting).',
    });
  }
}

/** The user interrupted (Ctrl-C). Exit 130. */
export class InterruptedError extends SmallestTtsError {
  constructor() {
    super('Interrupted.', { exitCode: 130 });
  }
}
