// The one map from an HTTP status to what the user must do about it, for REST answers and refused
// socket upgrades alike: 401/403 a refused key, 410 a retired model, 429 the account's limit, the rest
// the service's own message with its status.
import type { IncomingMessage } from 'node:http';
import { ApiError, AuthError, ModelRetiredError, type SmallestTtsError } from '../../core/errors.js';

/** The service's message in an error body: `{error: {message}}`, `{message}`, `{detail}`, or short plain text. */
function bodyMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const nested = parsed.error as Record<string, unknown> | undefined;
    const message = (typeof nested === 'object' && nested?.message) || parsed.message || parsed.detail;
    return typeof message === 'string' ? message : undefined;
  } catch {
    const text = body.trim();
    return text && text.length < 300 ? text : undefined;
  }
}

interface StatusContext {
  /** The model asked for, named when it is retired. */
  model: string;
  /** What failed, said when the service says nothing: "the upgrade was refused", "the voice list request failed". */
  failed: string;
}

/** The typed error for a refusal (any status outside 2xx), its body read for the service's message. */
export function errorForStatus(status: number, body: string, context: StatusContext): SmallestTtsError {
  const message = bodyMessage(body);
  if (status === 401 || status === 403) return new AuthError(status);
  if (status === 410) return new ModelRetiredError(context.model, message);
  if (status === 429) return new ApiError(message ?? 'too many requests: the account concurrency limit was reached (HTTP 429)', { status });
  return new ApiError(`${message ?? context.failed} (HTTP ${status})`, { status });
}

/** Whether a status is a success. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** The start of a refusal's body (enough for its message); never rejects, whatever the connection does. */
export function readRefusalBody(response: IncomingMessage, limit = 8192): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (part: string) => {
      if (body.length < limit) body += part;
    });
    response.on('end', () => resolve(body.slice(0, limit)));
    response.on('error', () => resolve(body));
    response.on('close', () => resolve(body));
  });
}
