// Waves URLs: the live route and the per-model routes for bare-host and with-path bases, REST bases, the loopback test.
import { UsageError, settingError } from '../core/errors.js';
import { modelSpec } from '../core/models.js';

export const DEFAULT_BASE_URL = 'wss://api.smallest.ai';
/** The older API host: its per-model routes live under /api/v1. */
export const LEGACY_HOST = 'waves-api.smallest.ai';
export const LIVE_PATH = '/waves/v1/tts/live';

/** `live`: one route, the model in each request (the current API). `per-model`: the model in the URL (the older routes). */
export type Route = 'live' | 'per-model';

export function parseRoute(raw: string): Route {
  const value = String(raw).trim().toLowerCase();
  if (value === 'live' || value === 'per-model') return value;
  throw settingError('route', 'The route', `must be live or per-model (got ${JSON.stringify(raw)})`, raw, { code: 'bad_route' });
}

function parseBase(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw settingError('baseUrl', 'The base URL', `is not a URL: ${JSON.stringify(baseUrl)}`, baseUrl, { code: 'bad_base_url', hint: `Example: ${DEFAULT_BASE_URL}` });
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw settingError('baseUrl', 'The base URL', `must start with wss:// or ws:// (got ${url.protocol}//)`, baseUrl, { code: 'bad_base_url' });
  }
  if (url.username || url.password) throw settingError('baseUrl', 'The base URL', 'must not carry credentials', '(redacted)', { code: 'base_url_credentials', hint: 'Give the API key on its own.' });
  if (url.hash) throw settingError('baseUrl', 'The base URL', `must not have a #fragment (got ${JSON.stringify(url.hash)})`, baseUrl, { code: 'bad_base_url' });
  return url;
}

function basePath(url: URL): string {
  return url.pathname.replace(/\/+$/, '');
}

// Every path of the service is spelled in this file, for the client's URLs and for the server's
// reading of a request path (parseServicePath) alike.

/** The current generation's prefix, and the older host's. */
const WAVES_PREFIX = '/waves/v1';
const LEGACY_PREFIX = '/api/v1';
const LIVE_TAIL = '/tts/live';
/** What a per-model route serves: the speech socket or the voice list. */
export type Resource = 'stream' | 'voices';
const RESOURCE_TAIL: Record<Resource, string> = { stream: 'get_speech/stream', voices: 'get_voices' };

/** `{prefix}/{model path name}/get_speech/stream` or `…/get_voices`, the name escaped. */
export function perModelPath(pathName: string, resource: Resource, prefix = WAVES_PREFIX): string {
  return `${prefix}/${encodeURIComponent(pathName)}/${RESOURCE_TAIL[resource]}`;
}

/** Where a retired model's routes send their callers (the API's 410 body names it). */
const RECOMMENDED_ENDPOINT = `${WAVES_PREFIX}/lightning-v3.1/get_speech`;
/** The body the API sends with HTTP 410 for a retired model's routes, verbatim. */
export const RETIRED_MODEL_BODY = {
  status: 'error',
  error_code: 'MODEL_DEPRECATED',
  message: `This model is retired. Please migrate to lightning-v3.1 via ${RECOMMENDED_ENDPOINT}.`,
  recommended_endpoint: RECOMMENDED_ENDPOINT,
} as const;

/** What a request path names: the live route, or a model's route (its path segment, decoded) for a resource. */
type ServicePath = { kind: 'live' } | { kind: 'per-model'; segment: string; resource: Resource };

const PER_MODEL_PATH = /^\/(?:api|waves)\/v1\/([^/]+)\/(get_speech\/stream|get_voices)$/;

/** Reads a request's path (without query); undefined for a path that is no route of the service. */
export function parseServicePath(pathname: string): ServicePath | undefined {
  if (pathname === LIVE_PATH) return { kind: 'live' };
  const match = PER_MODEL_PATH.exec(pathname);
  if (!match) return undefined;
  return { kind: 'per-model', segment: decodeSegment(match[1]), resource: match[2] === RESOURCE_TAIL.voices ? 'voices' : 'stream' };
}

/** The model path segment of a per-model speech socket URL (under any prefix), or undefined for the live route. */
export function modelSegmentOf(url: string): string | undefined {
  const path = new URL(url).pathname;
  const tail = `/${RESOURCE_TAIL.stream}`;
  if (!path.endsWith(tail)) return undefined;
  return decodeSegment(path.slice(0, -tail.length).split('/').pop() ?? '');
}

/** A path segment decoded; one that is not valid percent-encoding is taken as it is. */
function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The path prefix under which per-model routes and REST calls live for this base. */
function versionPrefix(url: URL): string {
  const path = basePath(url);
  const prefix = path.endsWith(LIVE_TAIL) ? path.slice(0, -LIVE_TAIL.length) : path;
  if (prefix !== '') return prefix;
  return url.hostname === LEGACY_HOST ? LEGACY_PREFIX : WAVES_PREFIX;
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
    out.pathname = path === '' ? LIVE_PATH : path.endsWith(LIVE_TAIL) ? path : `${path}${LIVE_TAIL}`;
  } else {
    const segment = modelSpec(model)?.pathName ?? model;
    out.pathname = perModelPath(segment, 'stream', versionPrefix(base));
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
  url.pathname = perModelPath(catalogue, 'voices', versionPrefix(base));
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
    throw new UsageError(`Refusing ws://${url.host}: the API key would cross the network unencrypted.`, {
      code: 'insecure_base_url', data: { setting: 'baseUrl', value: baseUrl, host: url.host }, hint: 'Use wss://, or set the insecure option if you really mean it.',
    });
  }
}
