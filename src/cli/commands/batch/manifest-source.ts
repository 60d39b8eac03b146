// Where the manifest is read from: a regular file in place, anything else (stdin, a FIFO, a device) copied once.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UsageError } from '../../../core/errors.js';
import { isFifo, openFifoForReading } from '../../../core/files/fifo.js';
import { trackTemp } from '../../../core/files/temp-files.js';
import type { Settings } from '../../../core/settings.js';
import { readManifest, type Manifest } from '../../../pipeline/batch/manifest.js';
import type { ManifestFormat } from '../../../pipeline/batch/manifest-entries.js';

export interface SpooledManifest {
  path: string;
  remove: () => Promise<void>;
}

/**
 * A manifest that is not a regular file (stdin, a FIFO, a device) can be read only once, and it is
 * needed twice (a checking pass, then the run): it is copied to a temporary file first, once. A FIFO
 * is opened as `cat` would, without a blocked thread, so a signal ends the wait; the copy is tracked
 * so that even a forced exit removes it.
 */
async function spoolManifest(source: string, signal: AbortSignal): Promise<SpooledManifest> {
  const dir = await mkdtemp(join(tmpdir(), 'smallest-tts-manifest-'));
  const forget = trackTemp(dir);
  const remove = async () => {
    await rm(dir, { recursive: true, force: true });
    forget();
  };
  const path = join(dir, 'manifest');
  try {
    const input = source === '-' ? process.stdin : isFifo(source) ? await openFifoForReading(source, signal) : createReadStream(source);
    await pipeline(input, createWriteStream(path), { signal });
  } catch (error) {
    await remove();
    if (source !== '-' && (error as Error).name !== 'AbortError') {
      throw new UsageError(`Cannot read the manifest ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
    throw error;
  }
  return { path, remove };
}

/** A regular file is read where it is; anything else (a FIFO, a device) is read once into a copy. */
async function manifestKind(path: string): Promise<'file' | 'stream'> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`Cannot read the manifest ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`);
  });
  if (info.isDirectory()) throw new UsageError(`Cannot read the manifest ${path}: it is a directory.`);
  return info.isFile() ? 'file' : 'stream';
}

/**
 * The manifest, checked line by line; a copy made on the way is put in `files.spooled` at once, so
 * that the caller removes it even when the reading fails or a signal comes.
 */
export async function openManifest(source: string, format: ManifestFormat, settings: Settings, signal: AbortSignal, files: { spooled?: SpooledManifest }): Promise<Manifest> {
  const stream = source === '-' || (await manifestKind(source)) === 'stream';
  const spooled = stream ? await spoolManifest(source, signal) : undefined;
  files.spooled = spooled;
  const path = spooled?.path ?? source;
  return readManifest(path, format, settings).catch((error: unknown) => {
    throw error instanceof UsageError && spooled ? new UsageError(error.message.replace(path, source === '-' ? 'on stdin' : source), error.hint) : error;
  });
}
