// The proxy for a URL from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (either case), as an agent for the core.
import type { Agent } from 'node:http';
import { shownProxy } from './shown-proxy.js';

const VARIABLES = ['https_proxy', 'http_proxy', 'all_proxy'];

/** Whether any proxy variable is set: without one, the proxy packages are never loaded. */
function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return VARIABLES.some((name) => env[name] || env[name.toUpperCase()]);
}

interface ProxyChoice {
  agent: Agent;
  /** The proxy's scheme, host and port (never its credentials). */
  shown: string;
}

/**
 * The agent that reaches `url` (ws:, wss:, http: or https:) through the proxy the environment names,
 * or undefined for a direct connection (no proxy set, or NO_PROXY matches the host).
 */
export async function proxyFor(url: string): Promise<ProxyChoice | undefined> {
  if (!proxyConfigured()) return undefined;
  const { getProxyForUrl } = await import('proxy-from-env');
  // proxy-from-env looks up `{scheme}_proxy`: the socket's wss:// is HTTPS's traffic, ws:// HTTP's.
  const proxy = getProxyForUrl(url.replace(/^ws(s?):/i, 'http$1:'));
  if (!proxy) return undefined;
  const { TunnelAgent } = await import('./proxy-agent.js');
  return { agent: new TunnelAgent(proxy), shown: shownProxy(proxy) };
}
