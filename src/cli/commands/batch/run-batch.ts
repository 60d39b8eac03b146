// `smallest-tts batch MANIFEST --out-dir DIR`: one file per manifest item, resumable, parallel, shardable; progress and report.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SmallestTtsError, UsageError } from '../../../core/errors.js';
import { OutputFolderError } from '../../../pipeline/batch/output-check.js';
import { isItemFormat, ITEM_FORMATS, type ItemFormat } from '../../../pipeline/batch/item-sink.js';
import { readManifest, type ManifestItem } from '../../../pipeline/batch/manifest.js';
import { manifestFormatFromPath } from '../../../pipeline/batch/manifest-entries.js';
import { runBatch, type BatchResult } from '../../../pipeline/batch/run.js';
import { inShard, parseShard, shardSize, type Shard } from '../../../pipeline/batch/shard.js';
import type { SubtitleFormat } from '../../../text/subtitles.js';
import { ProgressRenderer, formatDuration, type ProgressState } from './batch-progress.js';
import type { ValueOrigins } from '../../config/apply-config.js';
import { openConnection, reportClientEvents } from '../../connection/connect.js';
import { formatSampleRate } from '../../terminal/format-rate.js';
import { settingsFromFlags, type ConnectionFlags, type SettingsFlags } from '../../options.js';
import { checkVoice, knownCatalogue } from '../voices/voice-check.js';
import { safeLine } from '../../terminal/sanitize.js';
import { Ui } from '../../terminal/ui.js';
import { OutputClosedError } from '../../../audio/sink.js';
import { stdoutReaderLeft } from '../../stdout.js';
import { makeFolders } from '../../../core/files/make-folders.js';
import { isFifo, openFifoForReading } from '../../../core/files/fifo.js';
import { trackTemp } from '../../../core/files/temp-files.js';
import { onTermination } from '../../signals.js';

export interface BatchFlags extends SettingsFlags, ConnectionFlags {
  outDir: string;
  manifestFormat?: string;
  format?: string;
  subtitles?: SubtitleFormat;
  concurrency?: number;
  maxSockets?: number;
  shard?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  retryBaseMs?: number;
}

/** The API's limit of open sockets per account. */
const DEFAULT_MAX_SOCKETS = 5;

/** Text from a server or a manifest: one line, no escape sequences or control characters, no key. */
const clean = (text: string) => safeLine(text, 500);

/**
 * A manifest that is not a regular file (stdin, a FIFO, a device) can be read only once, and it is
 * needed twice (a checking pass, then the run): it is copied to a temporary file first, once. A FIFO
 * is opened as `cat` would, without a blocked thread, so a signal ends the wait; the copy is tracked
 * so that even a forced exit removes it.
 */
async function spoolManifest(source: string, signal: AbortSignal): Promise<{ path: string; remove: () => Promise<void> }> {
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

function checkConcurrency(flags: BatchFlags): number {
  const concurrency = flags.concurrency ?? 1;
  const limit = flags.maxSockets ?? DEFAULT_MAX_SOCKETS;
  if (concurrency < 1) throw new UsageError(`--concurrency must be at least 1 (got ${concurrency})`);
  if (concurrency > limit) {
    throw new UsageError(
      `--concurrency ${concurrency} would open ${concurrency} sockets; the API allows ${limit} per account.`,
      flags.maxSockets === undefined ? `If your plan allows more, raise the limit: --max-sockets ${concurrency}.` : undefined,
    );
  }
  return concurrency;
}

async function* shardItems(items: AsyncIterable<ManifestItem>, shard: Shard | undefined): AsyncGenerator<ManifestItem> {
  for await (const item of items) if (inShard(item.index, shard)) yield item;
}

/** Failures listed on stderr at the end; the rest are only counted (the --json report has them all). */
const LISTED_FAILURES = 20;

function summary(state: ProgressState, outDir: string, seconds: number): string {
  const finished = state.written + state.skipped + state.failed;
  return (
    `${state.total} item${state.total === 1 ? '' : 's'}: ${state.written} written, ${state.skipped} already there, ${state.failed} failed; ` +
    `${formatDuration(state.audioSeconds)} of audio in ${formatDuration(seconds)} → ${outDir}` +
    (finished < state.total ? ` (${state.total - finished} not done)` : '')
  );
}

function failureList(failures: BatchResult[], failed: number): string {
  const lines = [...failures].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)).map((r) => `  ${clean(r.id)}${r.line !== undefined ? ` (line ${r.line})` : ''}: ${clean(r.error?.message ?? 'failed')}`);
  if (failed > failures.length) lines.push(`  … and ${failed - failures.length} more${failures.length > 0 ? ' (see --json)' : ''}`);
  return `${failed} item${failed === 1 ? '' : 's'} failed:\n${lines.join('\n')}`;
}

/** One item of the --json report. */
function reportItem(r: BatchResult) {
  return {
    id: r.id,
    line: r.line ?? null,
    file: r.file,
    status: r.status,
    audioSeconds: r.audioSeconds === null ? null : Number(r.audioSeconds.toFixed(3)),
    bytes: r.bytes,
    retries: r.retries,
    subtitles: r.subtitles ?? null,
    error: r.error ? { ...r.error, message: clean(r.error.message) } : null,
  };
}

/**
 * The --json report, streamed: each item is written as it finishes (completion order; `line`
 * gives manifest order), the totals after them, so memory does not grow with the manifest. The
 * document is complete when the command ends, interrupted or not.
 */
class JsonReport {
  private count = 0;
  private bytes = 0;

  async item(r: BatchResult): Promise<void> {
    if (r.status === 'done') this.bytes += r.bytes;
    await this.write(`${this.count++ === 0 ? '{"items":[' : ','}\n${JSON.stringify(reportItem(r))}`);
  }

  async end(state: ProgressState, outDir: string, signal: string | undefined): Promise<void> {
    const totals = {
      outDir,
      total: state.total,
      written: state.written,
      skipped: state.skipped,
      failed: state.failed,
      notDone: state.total - this.count,
      interrupted: signal ?? null,
      audioSeconds: Number(state.audioSeconds.toFixed(3)),
      bytes: this.bytes,
    };
    await this.write(`${this.count === 0 ? '{"items":[' : '\n'}],${JSON.stringify(totals).slice(1)}\n`);
  }

  /** A reader that left (`| head`) ends the batch quietly, as `say` does. */
  private async write(text: string): Promise<void> {
    if (stdoutReaderLeft()) throw new OutputClosedError();
    if (!process.stdout.write(text)) await once(process.stdout, 'drain').catch(() => {});
    if (stdoutReaderLeft()) throw new OutputClosedError();
  }
}

/** Runs the command; returns the exit code: 0 all succeeded, 1 some failed, 130/143 stopped by a signal. */
export async function runBatchCommand(manifestPath: string, flags: BatchFlags, origins?: ValueOrigins): Promise<number> {
  const format = (flags.format ?? 'wav').toLowerCase();
  if (!isItemFormat(format)) throw new UsageError(`--format must be one of ${ITEM_FORMATS.join(', ')} (got ${JSON.stringify(flags.format)})`);
  // --format ulaw|alaw: 8 kHz unless --sample-rate is typed (an item's own format column keeps the batch's rate).
  const telephonyRate = formatSampleRate(format, flags, origins);
  const settings = settingsFromFlags(telephonyRate === undefined ? flags : { ...flags, sampleRate: telephonyRate });
  checkVoice(settings.voice, knownCatalogue({ offline: flags.offline, baseUrl: flags.baseUrl, model: settings.model }));
  const concurrency = checkConcurrency(flags);
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  if (!flags.outDir?.trim()) throw new UsageError('--out-dir needs a folder.');
  const ui = await Ui.create({ quiet: flags.quiet, verbose: flags.verbose, interactive: process.stderr.isTTY === true });
  if (origins) ui.verbose(`settings: ${origins.describe()}`);

  const manifestFormat = manifestFormatFromPath(manifestPath, manifestPath === '-' ? flags.manifestFormat ?? 'txt' : flags.manifestFormat);
  const controller = new AbortController();
  // From here on, SIGINT, SIGTERM or SIGHUP stop the batch (finished files kept, ones in progress and
  // the manifest's copy removed); a second one exits at once, and still no temporary file is left.
  const signals = onTermination(() => controller.abort());
  let spooled: Awaited<ReturnType<typeof spoolManifest>> | undefined;
  try {
    const stream = manifestPath === '-' || (await manifestKind(manifestPath)) === 'stream';
    spooled = stream ? await spoolManifest(manifestPath, controller.signal) : undefined;
    const path = spooled?.path ?? manifestPath;
    const manifest = await readManifest(path, manifestFormat, settings).catch((error: unknown) => {
      throw error instanceof UsageError && spooled ? new UsageError(error.message.replace(path, manifestPath === '-' ? 'on stdin' : manifestPath), error.hint) : error;
    });
    await makeFolders(flags.outDir).catch((error: Error) => {
      throw new UsageError(error.message);
    });
    const state: ProgressState = { total: shardSize(manifest.count, shard), written: 0, skipped: 0, failed: 0, audioSeconds: 0, startedAt: performance.now() };
    ui.verbose(`manifest: ${manifest.count} items (${manifestFormat})${shard ? `, shard ${shard.index}/${shard.count}: ${state.total}` : ''}; ${concurrency} at once`);
    const connection = await openConnection(flags, ui);
    if (controller.signal.aborted) throw signals.error();
    const progress = ui.interactive ? new ProgressRenderer(process.stderr) : undefined;
    const failures: BatchResult[] = [];
    const report = flags.json ? new JsonReport() : undefined;
    let stopped: OutputFolderError | undefined;
    try {
      progress?.update(state);
      const run = runBatch(shardItems(manifest.items(), shard), {
        outDir: flags.outDir,
        apiKey: connection.apiKey,
        baseUrl: connection.baseUrl,
        route: connection.route,
        ...(connection.agent && { client: { agent: connection.agent } }),
        settings,
        format: format as ItemFormat,
        concurrency,
        force: flags.force,
        subtitles: flags.subtitles,
        signal: controller.signal,
        retry: flags.retryBaseMs === undefined ? undefined : { baseMs: flags.retryBaseMs },
        client: { trace: connection.trace },
        onClient: (client) => reportClientEvents(client, ui),
        onRetry: (item, attempt, delayMs) => ui.verbose(`${item.id}: over the concurrency limit; retry ${attempt} in ${delayMs} ms`),
      });
      for await (const result of run) {
        if (result.status === 'done') {
          state.written++;
          state.audioSeconds += result.audioSeconds ?? 0;
        } else if (result.status === 'skipped') state.skipped++;
        else if (++state.failed <= LISTED_FAILURES) failures.push(result);
        await report?.item(result);
        ui.verbose(`${clean(result.id)}: ${result.status}${result.error ? ` (${clean(result.error.message)})` : ''}`);
        progress?.update(state);
      }
    } catch (error) {
      // A full or read-only output folder stops the batch: say what was done, then why it stopped.
      if (!(error instanceof OutputFolderError)) throw error;
      stopped = error;
    } finally {
      progress?.clear();
      await connection.close();
      await report?.end(state, flags.outDir, signals.signal); // complete even when a fatal error follows
    }
    ui.info(summary(state, flags.outDir, (performance.now() - state.startedAt) / 1000));
    if (state.failed > 0) process.stderr.write(`${failureList(failures, state.failed)}\n`);
    if (signals.exitCode !== undefined) return signals.exitCode;
    if (stopped) {
      const left = state.total - state.written - state.skipped - state.failed;
      throw new SmallestTtsError(stopped.message, {
        cause: stopped,
        hint: `${left} item${left === 1 ? ' is' : 's are'} not done. Free some space (or make ${stopped.folder} writable) and run the same command again: finished items are kept and not requested again.`,
      });
    }
    return state.failed > 0 ? 1 : 0;
  } catch (error) {
    // A signal while the manifest was read or the connection opened: the signal's exit, nothing to report.
    if (signals.exitCode !== undefined && (controller.signal.aborted || (error as Error).name === 'AbortError')) return signals.exitCode;
    throw error;
  } finally {
    signals.dispose();
    await spooled?.remove();
  }
}
