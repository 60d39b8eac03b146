// runBatch: items from one shared cursor → N workers, each with its own client and socket → one file per item, resumably.
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, AuthError, ConnectionError } from '../../core/errors.js';
import { makeFolders } from '../../core/files/make-folders.js';
import { mergeSettings, type Settings } from '../../core/settings.js';
import { synthesizeToSink } from '../synthesize.js';
import type { SubtitleFormat } from '../../text/subtitles.js';
import { WavesClient, type WavesClientOptions } from '../../pipeline/client.js';
import type { Route } from '../../protocol/routes.js';
import { itemProblems, type BatchItem } from './item.js';
import { isFinished, itemPath, openItemSink, sweepStaleTemps, type ItemFormat } from './item-sink.js';
import { itemWordTimings, writeItemSubtitles } from './item-subtitles.js';
import { folderWideFailure, OutputFolderError, probeOutputFolder } from './output-check.js';
import { backoffDelay, isOverLimit, type RetryPolicy } from './retry.js';

interface BatchOptions {
  outDir: string;
  apiKey: string;
  /** Default: the client's default base URL. */
  baseUrl?: string;
  route?: Route;
  /** Every item's settings before its own overrides; the sample rate is the batch's. */
  settings: Settings;
  /** Default 'wav'; an item's `format` overrides it. */
  format?: ItemFormat;
  /** Requests at once, each worker on its own socket. Default 1. */
  concurrency?: number;
  /** Redo items whose output exists. */
  force?: boolean;
  /** Also write `{id}.srt` (or .vtt) where the voice gives word timings. */
  subtitles?: SubtitleFormat;
  /** Aborting stops at once: finished files stay, the ones in progress are removed. */
  signal?: AbortSignal;
  retry?: RetryPolicy;
  /** Extra client options (timeouts, reconnect delays). */
  client?: Partial<WavesClientOptions>;
  /** Each worker's client as it is created (to listen to its events). */
  onClient?: (client: WavesClient, worker: number) => void;
  /** An item refused for the concurrency limit waits `delayMs` before retry number `attempt` (1-based). */
  onRetry?: (item: BatchItem, attempt: number, delayMs: number, error: Error) => void;
}

export interface BatchResult {
  id: string;
  /** The manifest line, when the item has one. */
  line?: number;
  file: string;
  /** done: written now; skipped: its file already existed (not requested); failed: see error. */
  status: 'done' | 'skipped' | 'failed';
  /** Seconds of audio written now (null for a skipped item). */
  audioSeconds: number | null;
  /** Size of the output: PCM bytes written, or the existing file's size when skipped. */
  bytes: number;
  /** Retries after the concurrency limit refused it. */
  retries: number;
  subtitles?: string;
  error?: { message: string; code?: string };
}

/**
 * Failures every further item would share: the batch stops (finished files stay; a rerun resumes).
 * A source that throws stops it too, and so does an output folder that cannot keep audio (a full
 * disk, a read-only mount): no more requests are bought only to be thrown away.
 */
function isFatal(error: unknown): boolean {
  return error instanceof AuthError || error instanceof ConnectionError || error instanceof OutputFolderError;
}

function failure(error: unknown): { message: string; code?: string } {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof ApiError && error.serverCode ? { message, code: error.serverCode } : { message };
}

/** The workers' shared state: one cursor over the items, the clients to close, where results and fatal errors go. */
interface WorkerContext {
  source: AsyncIterator<BatchItem> | Iterator<BatchItem>;
  options: BatchOptions;
  stop: AbortController;
  /** Resolves once the output folder was found able to keep audio (probed before the first request). */
  writable: () => Promise<void>;
  clients: WavesClient[];
  deliver: (result: BatchResult) => void;
  fail: (error: unknown) => void;
}

/**
 * Runs every item and yields one result per item as it finishes (in completion order, not input
 * order). Items are taken from one shared cursor, so `items` may be a lazy stream of any length.
 * Throws an AuthError or ConnectionError that would fail every item, after the workers stop.
 * When `signal` aborts, items in progress are discarded (no result) and the iteration ends.
 */
export async function* runBatch(items: AsyncIterable<BatchItem> | Iterable<BatchItem>, options: BatchOptions): AsyncGenerator<BatchResult> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const stop = new AbortController();
  // Each worker's request listens to it (a few listeners each): not a leak, whatever the concurrency.
  setMaxListeners(10 + 4 * concurrency, stop.signal);
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  await makeFolders(options.outDir);
  await sweepStaleTemps(options.outDir);
  // Before the first request (not before skipping finished items): can the folder keep audio at all?
  let probed: Promise<void> | undefined;
  const writable = () => (probed ??= probeOutputFolder(options.outDir));

  const results: BatchResult[] = [];
  let wake: (() => void) | null = null;
  let fatal: unknown;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const context: WorkerContext = {
    source: Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<BatchItem>)[Symbol.iterator](),
    options, stop, writable, clients: [],
    deliver: (result) => {
      results.push(result);
      notify();
    },
    fail: (error) => {
      fatal ??= error;
      stop.abort();
    },
  };

  let running = concurrency;
  const workers = Array.from({ length: concurrency }, (_, n) =>
    runWorker(n, context).finally(() => {
      running--;
      notify();
    }),
  );
  try {
    while (running > 0 || results.length > 0) {
      const result = results.shift();
      if (result) yield result;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stop.abort(); // the consumer stopped early (or everything ended): interrupt what is in flight
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.allSettled(workers);
    await Promise.allSettled(context.clients.map((c) => c.close()));
  }
  if (fatal !== undefined && !options.signal?.aborted) throw fatal;
}

/** One worker: takes items from the shared cursor until none is left or the batch stops, on its own client. */
async function runWorker(n: number, context: WorkerContext): Promise<void> {
  const { options, stop } = context;
  let client: WavesClient | undefined;
  const clientFor = () => {
    if (!client) {
      client = new WavesClient({ apiKey: options.apiKey, baseUrl: options.baseUrl, route: options.route, settings: options.settings, ...options.client });
      context.clients.push(client);
      options.onClient?.(client, n);
    }
    return client;
  };
  try {
    while (!stop.signal.aborted) {
      const next = await context.source.next(); // a manifest that cannot be read stops the batch too
      if (next.done || stop.signal.aborted) return;
      const result = await runItem(next.value, clientFor, options, stop.signal, context.writable);
      if (result) context.deliver(result);
    }
  } catch (error) {
    // The item that found the disk full is reported failed; the batch stops after it.
    if (error instanceof OutputFolderError && error.item) context.deliver(error.item as BatchResult);
    context.fail(error);
  } finally {
    // No more items for this worker: its socket goes, so a worker still waiting for one (429, the
    // account's socket limit) can have it.
    await client?.close();
  }
}

/** One item, start to end: checked, skipped when finished, written atomically, retried while over the limit. */
async function runItem(
  item: BatchItem, clientFor: () => WavesClient, options: BatchOptions, signal: AbortSignal, writable: () => Promise<void>,
): Promise<BatchResult | undefined> {
  const format = item.format ?? options.format ?? 'wav';
  const base = { id: item.id, ...(item.line !== undefined && { line: item.line }) };
  const problems = itemProblems(item, options.settings);
  if (problems.length > 0) return { ...base, file: '', status: 'failed', audioSeconds: null, bytes: 0, retries: 0, error: { message: problems.join('; ') } };
  const file = itemPath(options.outDir, item.id, format);
  if (!options.force) {
    const existing = await isFinished(file);
    if (existing) return { ...base, file, status: 'skipped', audioSeconds: null, bytes: existing.bytes, retries: 0 };
  }
  const settings = mergeSettings(options.settings, { ...item.settings, ...(options.subtitles && { wordTimestamps: true }) });
  await writable();
  for (let attempt = 0; ; attempt++) {
    try {
      const written = await writeItem(clientFor(), item.text, settings, file, format, options.subtitles, signal);
      if (!written) return undefined; // interrupted: nothing kept
      return { ...base, file, status: 'done', retries: attempt, ...written };
    } catch (error) {
      if (signal.aborted) return undefined;
      if (isFatal(error)) throw error;
      // A full disk fails this item with its errno code; the worker then stops the batch.
      const folderWide = folderWideFailure(error);
      if (folderWide) {
        const failed: BatchResult = { ...base, file, status: 'failed', audioSeconds: null, bytes: 0, retries: attempt, error: { message: failure(error).message, code: folderWide } };
        throw new OutputFolderError(options.outDir, folderWide, error, failed);
      }
      if (isOverLimit(error) && attempt < (options.retry?.attempts ?? 20)) {
        const delay = backoffDelay(attempt, options.retry);
        options.onRetry?.(item, attempt + 1, delay, error as Error);
        const slept = await sleep(delay, true, { signal }).catch(() => false);
        if (!slept) return undefined;
        continue;
      }
      return { ...base, file, status: 'failed', audioSeconds: null, bytes: 0, retries: attempt, error: failure(error) };
    }
  }
}

/** Synthesizes one item into its file; undefined when interrupted (the temporary file removed). */
async function writeItem(
  client: WavesClient, text: string, settings: Settings, file: string, format: ItemFormat, subtitles: SubtitleFormat | undefined, signal: AbortSignal,
): Promise<{ audioSeconds: number; bytes: number; subtitles?: string } | undefined> {
  const sink = await openItemSink(file, format, settings.sampleRate, signal);
  let finished = false;
  try {
    const stats = await synthesizeToSink(client, text, sink, { signal, settings });
    if (stats.interrupted || signal.aborted) return undefined;
    // Subtitles first: the audio's final name is what marks the item finished.
    const subtitlePath = subtitles ? await writeItemSubtitles(file, itemWordTimings(stats), subtitles, signal) : undefined;
    await sink.end();
    finished = true;
    return { audioSeconds: stats.audioSeconds, bytes: stats.bytes, ...(subtitlePath && { subtitles: subtitlePath }) };
  } finally {
    if (!finished) await sink.abort();
  }
}
