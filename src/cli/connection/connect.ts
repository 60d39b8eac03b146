// Where the CLI's client connects: the configured API (through a proxy if the environment names one), or (--offline) a local server started in-process.
import type { Agent } from 'node:http';
import type { WavesClient } from '../../pipeline/client.js';
import type { Tracer } from '../../waves/trace.js';
import type { Route } from '../../protocol/routes.js';
import { safeLine } from '../terminal/sanitize.js';
import { addSecret, type Ui } from '../terminal/ui.js';
import { connectionFromFlags, type ConnectionFlags } from '../options.js';
import { proxyFor } from './proxy.js';

export interface OpenedConnection {
  apiKey: string;
  baseUrl: string;
  route: Route;
  /** With --trace FILE: where the client reports what it sends and receives. */
  trace?: Tracer;
  /** Set when HTTPS_PROXY / HTTP_PROXY (and not NO_PROXY) send this connection through a proxy. */
  agent?: Agent;
  close(): Promise<void>;
}

export async function openConnection(flags: ConnectionFlags, ui: Ui): Promise<OpenedConnection> {
  const opened = await openTarget(flags, ui);
  if (flags.trace === undefined) return opened;
  const { openTraceFile } = await import('./trace-file.js');
  let file;
  try {
    file = openTraceFile(flags.trace, [opened.apiKey, flags.apiKey]);
  } catch (error) {
    await opened.close();
    throw error;
  }
  ui.verbose(`tracing to ${flags.trace}`);
  return {
    ...opened,
    trace: file.trace,
    close: async () => {
      await opened.close();
      file.close();
    },
  };
}

async function openTarget(flags: ConnectionFlags, ui: Ui): Promise<OpenedConnection> {
  if (flags.offline) {
    const { startOfflineServer } = await import('../../server/offline.js');
    const server = await startOfflineServer();
    ui.verbose(`offline voice: local server at ${server.url} (engine ${server.engine})`);
    return { apiKey: server.apiKey, baseUrl: server.url, route: 'live', close: () => server.close() };
  }
  const { apiKey, baseUrl } = connectionFromFlags(flags);
  addSecret(apiKey);
  const proxy = await proxyFor(baseUrl);
  if (proxy) ui.verbose(`through the proxy ${proxy.shown} (HTTPS_PROXY / HTTP_PROXY; NO_PROXY to bypass it)`);
  return { apiKey, baseUrl, route: flags.route ?? 'live', agent: proxy?.agent, close: async () => proxy?.agent.destroy() };
}

/** Connection events as --verbose lines. */
export function reportClientEvents(client: WavesClient, ui: Ui): void {
  client.on('connected', ({ url, model }) => ui.verbose(`connected to ${url} (${model})`));
  // Reasons and messages come from the server: made safe for the terminal.
  client.on('disconnected', ({ code, reason }) => ui.verbose(`disconnected (code ${code}${reason ? `, ${safeLine(reason)}` : ''})`));
  client.on('connection_error', (error) => ui.verbose(`connection error: ${safeLine(error.message)}`));
  client.on('reconnecting', ({ attempt, delayMs, reason }) => ui.verbose(`reconnecting (attempt ${attempt}, after ${delayMs} ms${reason ? `; ${safeLine(reason)}` : ''})`));
  client.on('request_sent', ({ text }) => ui.verbose(`request sent (${text.length} chars)`));
}
