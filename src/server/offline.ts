// `--offline`: the local server with the Flite voice, started in-process on a free loopback port.
import { randomBytes } from 'node:crypto';
import { startWavesServer, type WavesServerOptions } from './waves-server.js';

export interface OfflineServer {
  url: string;
  apiKey: string;
  engine: string;
  close(): Promise<void>;
}

/** Loads the engine only when called: importing the library must not load WASI. */
export async function startOfflineServer(options: WavesServerOptions = {}): Promise<OfflineServer> {
  const { FliteEngine } = await import('./engines/flite-engine.js');
  const engine = new FliteEngine();
  const apiKey = randomBytes(16).toString('hex');
  const server = await startWavesServer({ ...options, engine, apiKey, host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    apiKey,
    engine: engine.name,
    close: async () => {
      await server.close();
      await engine.dispose();
    },
  };
}
