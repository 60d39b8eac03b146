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

/** The server answered a request with an error frame or an HTTP error. */
export class ApiError extends SmallestTtsError {
  readonly code?: string;
  readonly status?: number;
  constructor(message: string, options: { code?: string; status?: number } = {}) {
    super(`The Waves API reported an error: ${message}`);
    this.code = options.code;
    this.status = options.status;
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
