// The CLI in a real pseudo-terminal of any size (util-linux `script`), for what a person sees.
import { spawn, spawnSync } from 'node:child_process';
import { BIN } from './helpers.js';

export const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs the CLI in a real pseudo-terminal of the given size; returns what the terminal received. */
export function inTerminal(size: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: Buffer }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', `stty ${size}; ${quoted}`, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    let bytes = 0;
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      // A flood (the old spinner on a 0×0 terminal wrote megabytes): stop reading and fail.
      if (bytes > 1 << 20) child.kill('SIGKILL');
      else out.push(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: Buffer.concat(out) });
    });
  });
}

