// An HTTP CONNECT tunnel through a proxy (https-proxy-agent) whose refusals and failures say it was the proxy.
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { shownProxy } from './shown-proxy.js';

type ConnectOptions = Parameters<HttpsProxyAgent<string>['connect']>[1];

/** The proxy refused the tunnel, or could not be reached: not the service's doing. */
export class ProxyError extends Error {
  override name = 'ProxyError';
}

/**
 * https-proxy-agent hands a refused CONNECT (403, 407, 502…) to the request as if the service had
 * answered it, which would read as a refused API key; this agent fails the connection instead, naming the proxy.
 */
export class TunnelAgent extends HttpsProxyAgent<string> {
  private readonly shown: string;

  constructor(proxy: string) {
    super(proxy);
    this.shown = shownProxy(proxy);
  }

  override async connect(req: ClientRequest, opts: ConnectOptions): Promise<Socket> {
    let answer: { statusCode: number; statusText: string } | undefined;
    const onConnect = (connect: { statusCode: number; statusText: string }) => (answer = connect);
    req.once('proxyConnect', onConnect);
    let socket: Socket;
    try {
      socket = await super.connect(req, opts);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ProxyError(`the proxy ${this.shown} could not be reached (${reason})`);
    } finally {
      req.off('proxyConnect', onConnect);
    }
    if (answer && answer.statusCode !== 200) {
      socket.destroy();
      const status = `HTTP ${answer.statusCode}${answer.statusText ? ` ${answer.statusText}` : ''}`;
      const why = answer.statusCode === 407 ? '; it wants credentials: put them in the proxy URL (http://user:password@host:port)' : '';
      throw new ProxyError(`the proxy ${this.shown} refused the tunnel to ${opts.host}:${opts.port} (${status})${why}`);
    }
    return socket;
  }
}
