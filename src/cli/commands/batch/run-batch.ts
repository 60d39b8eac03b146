// `smallest-tts batch MANIFEST --out-dir DIR`: one file per manifest item, resumable, parallel, shardable; progress and report.
import { SmallestTtsError, UsageError } from '../../../core/errors.js';
import { makeFolders } from '../../../core/files/make-folders.js';
import { manifestFormatFromPath } from '../../../pipeline/batch/manifest-entries.js';
import { shardSize } from '../../../pipeline/batch/shard.js';
import type { ValueOrigins } from '../../config/apply-config.js';
import { openConnection } from '../../connection/connect.js';
import { onTermination, type Termination } from '../../signals.js';
import type { ProgressState } from './batch-progress.js';
import { speakItems, type ItemsOutcome } from './batch-items.js';
import { planBatch, type BatchFlags, type BatchPlan } from './batch-plan.js';
import { failureList, summary } from './batch-report.js';
import { openManifest, type SpooledManifest } from './manifest-source.js';

export type { BatchFlags } from './batch-plan.js';

/** Runs the command; returns the exit code: 0 all succeeded, 1 some failed, 130/143 stopped by a signal. */
export async function runBatchCommand(manifestPath: string, flags: BatchFlags, origins?: ValueOrigins): Promise<number> {
  const plan = await planBatch(flags, origins);
  const manifestFormat = manifestFormatFromPath(manifestPath, manifestPath === '-' ? flags.manifestFormat ?? 'txt' : flags.manifestFormat);
  const controller = new AbortController();
  // From here on, SIGINT, SIGTERM or SIGHUP stop the batch (finished files kept, ones in progress and
  // the manifest's copy removed); a second one exits at once, and still no temporary file is left.
  const signals = onTermination(() => controller.abort());
  const files: { spooled?: SpooledManifest } = {};
  try {
    const manifest = await openManifest(manifestPath, manifestFormat, plan.settings, controller.signal, files);
    await makeFolders(flags.outDir).catch((error: Error) => {
      throw new UsageError(error.message);
    });
    const state: ProgressState = { total: shardSize(manifest.count, plan.shard), written: 0, skipped: 0, failed: 0, audioSeconds: 0, startedAt: performance.now() };
    plan.ui.verbose(`manifest: ${manifest.count} items (${manifestFormat})${plan.shard ? `, shard ${plan.shard.index}/${plan.shard.count}: ${state.total}` : ''}; ${plan.concurrency} at once`);
    const connection = await openConnection(flags, plan.ui);
    if (controller.signal.aborted) throw signals.error();
    const outcome = await speakItems(plan, manifest, state, connection, controller.signal, () => signals.signal);
    return finishBatch(plan, state, outcome, signals);
  } catch (error) {
    // A signal while the manifest was read or the connection opened: the signal's exit, nothing to report.
    if (signals.exitCode !== undefined && (controller.signal.aborted || (error as Error).name === 'AbortError')) return signals.exitCode;
    throw error;
  } finally {
    signals.dispose();
    await files.spooled?.remove();
  }
}

/** The summary and the failures on stderr, then the exit code (or, for a full folder, why it stopped). */
function finishBatch({ flags, ui }: BatchPlan, state: ProgressState, { failures, stopped }: ItemsOutcome, signals: Termination): number {
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
}
