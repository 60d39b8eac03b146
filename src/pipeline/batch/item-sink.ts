// Where one batch item's audio goes: its file name, whether it is already finished, and the sink that writes it.
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { OUTPUT_FORMATS, isOutputFormat, type OutputFormat } from '../../audio/formats.js';
import { openFileSink } from '../../audio/output.js';
import type { AudioSink } from '../../audio/sink.js';
import { processAlive } from '../../core/files/process-alive.js';

/** Output formats a batch item can ask for: every format the CLI writes. */
export const ITEM_FORMATS = OUTPUT_FORMATS;
export type ItemFormat = OutputFormat;
export const isItemFormat = isOutputFormat;

/** `{outDir}/{id}.{format}`: the extension is the format's name. */
export function itemPath(outDir: string, id: string, format: ItemFormat): string {
  return join(outDir, `${id}.${format}`);
}

/**
 * The one place a batch opens an output. Every sink writes a temporary file beside `path` and
 * renames it into place at end(), so the final name exists only for a finished item.
 */
export async function openItemSink(path: string, format: ItemFormat, sampleRate: number, signal?: AbortSignal): Promise<AudioSink> {
  return openFileSink(path, { format, sampleRate, signal });
}

/** An output counts as finished when its final (renamed) file exists; temporary files have other names. */
export async function isFinished(path: string): Promise<{ bytes: number } | null> {
  const info = await stat(path).catch(() => null);
  return info?.isFile() ? { bytes: info.size } : null;
}

/** Temporary names the sinks use: `.{name}.{pid}.{8 hex}.part`. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.part$/;

/**
 * Removes temporary files left in `dir` by a process that no longer runs (a crash, a kill -9) and
 * untouched for `minAgeMs` (default 10 minutes): a folder shared by several machines or containers
 * holds other hosts' files in progress, whose process ids mean nothing here, and a file being
 * written is touched at every chunk. Returns how many it removed.
 */
export async function sweepStaleTemps(dir: string, minAgeMs = 10 * 60_000): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match || Number(match[1]) === process.pid || processAlive(Number(match[1]))) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || Date.now() - info.mtimeMs < minAgeMs) continue;
    await unlink(path).then(() => removed++, () => {});
  }
  return removed;
}
