// Waves URLs: the stream route for bare-host and with-path base URLs, REST bases, the loopback test.
import { UsageError } from '../errors.js';

export const DEFAULT_BASE_URL = 'wss://waves-api.smallest.ai';

function parseBase(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`--base-url is not a URL: ${JSON.stringify(baseUrl)}`, 'Example: wss://waves-api.smallest.ai');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new UsageError(`--base-url must start with wss:// or ws:// (got ${url.protocol}//)`);
  }
  if (url.username || url.password) throw new UsageError('--base-url must not carry credentials; use SMALLEST_API_KEY');
  return url;
}

function joinPath(url: URL, tail: string): URL {
  const out = new URL(url.href);
  const path = url.pathname.replace(/\/+$/, '');
  out.pathname = path === '' ? `/api/v1${tail}` : `${path}${tail}`;
  return out;
}

/** `{base}/api/v1/{model}/get_speech/stream`, or `{base path}/{model}/get_speech/stream` when the base has a path. */
export function streamUrl(baseUrl: string, model: string): string {
  return joinPath(parseBase(baseUrl), `/${encodeURIComponent(model)}/get_speech/stream`).href;
}

/** The REST route for the voice list, on the same host with http(s) for ws(s). */
export function voicesUrl(baseUrl: string, model: string): string {
  const url = joinPath(parseBase(baseUrl), `/${encodeURIComponent(model)}/get_voices`);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return url.href;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Refuses a base URL that would send the key in clear over a network: plain ws:// is
 * allowed only to loopback unless `insecure` is set. Opens no connection.
 */
export function checkBaseUrl(baseUrl: string, options: { insecure?: boolean } = {}): void {
  const url = parseBase(baseUrl);
  if (url.protocol === 'ws:' && !isLoopbackHost(url.hostname) && !options.insecure) {
    throw new UsageError(
      `Refusing ws://${url.host}: the API key would cross the network unencrypted.`,
      'Use wss://, or pass --insecure if you really mean it.',
    );
  }
}
