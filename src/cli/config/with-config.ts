// Before a command runs: its config-file values, as commander's 'config' value source.
import type { Command } from 'commander';
import { applyConfig, type ValueOrigins } from './apply-config.js';

/**
 * Config-file values enter as commander's 'config' source before the command's body runs; the
 * body is loaded only then. The config code is part of the start (every command but help reads the
 * file): a lazy import of it was one more module load per command for 4 KB of code.
 */
export async function withConfig<Body>(command: Command, loadBody: () => Promise<Body>): Promise<{ origins: ValueOrigins; body: Body }> {
  const loading = loadBody();
  loading.catch(() => {}); // a config error is reported first; the body's own failure is awaited below
  const origins = applyConfig(command);
  return { origins, body: await loading };
}
