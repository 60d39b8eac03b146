// Waves URLs: the live route and the per-model routes for bare-host and with-path bases, REST bases, the loopback test.
import { UsageError } from '../core/errors.js';
import { modelSpec } from '../core/models.js';

export const DEFAULT_BASE_URL = 'wss://api.smallest.ai';
/** The older API host: its per-model routes live under /api/v1. */
const LEGACY_HOST = 'waves-api.smallest.ai';
const LIVE_PATH = '/waves/v1/tts/live';

/** `live`: one route, the model in each request (the current API). `per-model`: the model in the URL (the older routes). */
export type Route = 'live' | 'per-model';

export function parseRoute(raw: string): Route {
  const value = String(raw).trim().toLowerCase();
  if (value === 'live' || value === 'per-model') return value;
  throw new UsageError(`--route must be live or per-model (got ${JSON.stringify(raw)})`);
}

function parseBase(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`--base-url is not a URL: ${JSON.stringify(baseUrl)}`, `Example: ${DEFAULT_BASE_URL}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new UsageError(`--base-url must start with wss:// or ws:// (got ${url.protocol}//)`);
  }
  if (url.username || url.password) throw new UsageError('--base-url must not carry credentials; use SMALLEST_API_KEY');
  if (url.hash) throw new UsageError(`--base-url must not have a #fragment (got ${JSON.stringify(url.hash)})`);
  return url;
}

function basePath(url: URL): string {
  return url.pathname.replace(/\/+$/, '');
}

/** The path prefix under which per-model routes and REST calls live for this base. */
function versionPrefix(url: URL): string {
  const path = basePath(url).replace(/\/tts\/live$/, '');
  if (path !== '') return path;
  return url.hostname === LEGACY_HOST ? '/api/v1' : '/waves/v1';
}

/** Whether this model is reached on the live route or a per-model route, given the preferred route. */
export function routeFor(model: string, preferred: Route = 'live'): Route {
  return modelSpec(model)?.live === false ? 'per-model' : preferred;
}

/**
 * The socket URL for a model. Live: a bare base gets `/waves/v1/tts/live`; a base whose path ends in
 * `/tts/live` is used as is; another path gets `/tts/live` appended. Per-model:
 * `{prefix}/{model path name}/get_speech/stream`, the prefix being the base's path, else `/waves/v1`
 * (`/api/v1` on the older API host). `timeoutSeconds` becomes `?timeout=` (the server's idle limit).
 */
export function streamUrl(baseUrl: string, model: string, options: { route?: Route; timeoutSeconds?: number } = {}): string {
  const base = parseBase(baseUrl);
  const out = new URL(base.href);
  if (routeFor(model, options.route) === 'live') {
    const path = basePath(base);
    out.pathname = path === '' ? LIVE_PATH : path.endsWith('/tts/live') ? path : `${path}/tts/live`;
  } else {
    const segment = modelSpec(model)?.pathName ?? model;
    out.pathname = `${versionPrefix(base)}/${encodeURIComponent(segment)}/get_speech/stream`;
  }
  if (options.timeoutSeconds !== undefined && options.timeoutSeconds > 0) out.searchParams.set('timeout', String(Math.round(options.timeoutSeconds)));
  return out.href;
}

/** The REST route for the voice list: one catalogue, read from the lightning-v3.1 route, on the same host with http(s). */
export function voicesUrl(baseUrl: string, model = 'lightning_v3.1'): string {
  const base = parseBase(baseUrl);
  const url = new URL(base.href);
  const segment = modelSpec(model)?.pathName ?? model;
  // Current models share one catalogue, read from the lightning-v3.1 route.
  const catalogue = modelSpec(model)?.live === false ? segment : 'lightning-v3.1';
  url.pathname = `${versionPrefix(base)}/${encodeURIComponent(catalogue)}/get_voices`;
  url.search = '';
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
