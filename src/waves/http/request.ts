// One REST request with the Bearer key, a deadline for headers and body together, cancellation by an
// AbortSignal, and failures in words: what the voice list uses today and voice cloning can use next.
import { request as httpRequest, type Agent, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ConnectionError } from '../../core/errors.js';
import { describeNetworkFailure, networkFailure } from '../network-failure.js';
import type { Tracer } from '../trace.js';
import { errorForStatus, isSuccess } from './status-errors.js';

/** The key as the service wants it: in the Authorization header only. */
export function bearer(apiKey: string): Record<string, string> {
  return { Authorization: `Bearer ${apiKey}` };
}

interface HttpRequestOptions {
  url: string;
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  /** What is asked for, in messages: "voice list". */
  what: string;
  /** Gives up after this long, counting the body too (a server that stalls mid-body). */
  timeoutMs: number;
  /** Cancels the request; it then rejects with the abort (an AbortError), not a ConnectionError. */
  signal?: AbortSignal;
  /** Connects through this HTTP agent (a proxy agent); default: a direct connection. */
  agent?: Agent;
  /** Told of the request and the answer's status. */
  trace?: Tracer;
  /** A body larger than this fails the request. Default 8 MB. */
  maxBodyBytes?: number;
}

interface HttpAnswer {
  status: number;
  body: string;
}

type Stage = 'no answer' | 'the body stalled';

/**
 * The request with node:http(s), which takes an agent (fetch takes none): the status and the whole
 * body, or a rejection tagged with how far it got ('no answer' before the headers, 'the body stalled' after).
 */
function exchange(options: HttpRequestOptions, signal: AbortSignal): Promise<HttpAnswer> {
  const url = new URL(options.url);
  const limit = options.maxBodyBytes ?? 8 << 20;
  return new Promise((resolve, reject) => {
    let stage: Stage = 'no answer';
    const failed = (error: Error) => reject(Object.assign(error, { stage }));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent, signal }, (response) => {
      stage = 'the body stalled';
      const parts: Buffer[] = [];
      let size = 0;
      response.on('data', (part: Buffer) => {
        size += part.length;
        if (size > limit) return response.destroy(new Error(`the ${options.what} is larger than ${limit >> 20} MB`));
        parts.push(part);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      response.on('error', failed);
      response.on('close', () => {
        if (!response.complete) failed(new Error('the connection closed mid-body'));
      });
    });
    request.on('error', failed);
    request.end(options.body);
  });
}

/** A failed exchange in words: too slow, or the network's reason. */
function connectionError(error: unknown, options: HttpRequestOptions, timedOut: boolean): ConnectionError {
  const host = new URL(options.url).host;
  const stage = (error as { stage?: Stage }).stage ?? 'no answer';
  if (timedOut) return new ConnectionError(`The ${options.what} from ${host} did not arrive within ${options.timeoutMs / 1000} s (${stage}).`, error);
  const failure = networkFailure(error);
  const reason = failure ? describeNetworkFailure(failure, host) : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
  return new ConnectionError(`Could not ${stage === 'the body stalled' ? `read the ${options.what} from` : 'reach'} ${host}: ${reason}.`, error);
}

/** Sends the request and returns the answer, whatever its status; a timeout or a network failure is a ConnectionError. */
export async function httpRequestText(options: HttpRequestOptions): Promise<HttpAnswer> {
  const { url, signal, trace } = options;
  // One controller for the caller's signal and the timeout (AbortSignal.any is missing in early Node 20).
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const forward = () => controller.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  trace?.({ dir: 'out', kind: 'http', method: options.method ?? 'GET', url });
  try {
    const answer = await exchange(options, controller.signal);
    trace?.({ dir: 'in', kind: 'http', url, status: answer.status });
    return answer;
  } catch (error) {
    trace?.({ dir: 'in', kind: 'error', message: (error as Error).message });
    if (signal?.aborted) throw error;
    throw connectionError(error, options, timedOut);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  }
}

/**
 * Sends the request and returns its JSON body (undefined when a success is not JSON); a refusal
 * throws the status map's error, naming `model` when it is retired.
 */
export async function httpRequestJson(options: HttpRequestOptions & { model: string }): Promise<unknown> {
  const { status, body } = await httpRequestText(options);
  if (!isSuccess(status)) throw errorForStatus(status, body, { model: options.model, failed: `the ${options.what} request failed` });
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
