// The items of a batch run: each result counted, reported (--json), logged and drawn on the progress line.
import { OutputFolderError } from '../../../pipeline/batch/output-check.js';
import type { Manifest } from '../../../pipeline/batch/manifest.js';
import { runBatch, type BatchResult } from '../../../pipeline/batch/run.js';
import { reportClientEvents, type OpenedConnection } from '../../connection/connect.js';
import { ProgressRenderer, type ProgressState } from './batch-progress.js';
import { type BatchPlan, shardItems } from './batch-plan.js';
import { JsonReport, LISTED_FAILURES, clean } from './batch-report.js';

export interface ItemsOutcome {
  /** The first failures, for the list on stderr. */
  failures: BatchResult[];
  /** A full or read-only output folder that stopped the batch. */
  stopped?: OutputFolderError;
}

/** Runs every item of the shard; the --json report is complete even when a fatal error follows. */
export async function speakItems(plan: BatchPlan, manifest: Manifest, state: ProgressState, connection: OpenedConnection, signal: AbortSignal, stoppedBy: () => string | undefined): Promise<ItemsOutcome> {
  const { flags, ui } = plan;
  const progress = ui.interactive ? new ProgressRenderer(process.stderr) : undefined;
  const failures: BatchResult[] = [];
  const report = flags.json ? new JsonReport() : undefined;
  try {
    progress?.update(state);
    for await (const result of runBatch(shardItems(manifest.items(), plan.shard), batchOptions(plan, connection, signal))) {
      if (result.status === 'done') {
        state.written++;
        state.audioSeconds += result.audioSeconds ?? 0;
      } else if (result.status === 'skipped') state.skipped++;
      else if (++state.failed <= LISTED_FAILURES) failures.push(result);
      await report?.item(result);
      ui.verbose(`${clean(result.id)}: ${result.status}${result.error ? ` (${clean(result.error.message)})` : ''}`);
      progress?.update(state);
    }
    return { failures };
  } catch (error) {
    // A full or read-only output folder stops the batch: say what was done, then why it stopped.
    if (!(error instanceof OutputFolderError)) throw error;
    return { failures, stopped: error };
  } finally {
    progress?.clear();
    await connection.close();
    await report?.end(state, flags.outDir, stoppedBy());
  }
}

function batchOptions({ flags, ui, settings, format, concurrency }: BatchPlan, connection: OpenedConnection, signal: AbortSignal) {
  return {
    outDir: flags.outDir,
    apiKey: connection.apiKey,
    baseUrl: connection.baseUrl,
    route: connection.route,
    ...(connection.agent && { client: { agent: connection.agent } }),
    settings,
    format,
    concurrency,
    force: flags.force,
    subtitles: flags.subtitles,
    signal,
    retry: flags.retryBaseMs === undefined ? undefined : { baseMs: flags.retryBaseMs },
    client: { trace: connection.trace },
    onClient: (client: Parameters<typeof reportClientEvents>[0]) => reportClientEvents(client, ui),
    onRetry: (item: { id: string }, attempt: number, delayMs: number) => ui.verbose(`${item.id}: over the concurrency limit; retry ${attempt} in ${delayMs} ms`),
  };
}
