// Before the manifest is read: the output format, the settings, how many at once, the shard and the Ui.
import { UsageError } from '../../../core/errors.js';
import type { Settings } from '../../../core/settings.js';
import { isItemFormat, ITEM_FORMATS, type ItemFormat } from '../../../pipeline/batch/item-sink.js';
import type { ManifestItem } from '../../../pipeline/batch/manifest.js';
import { inShard, parseShard, type Shard } from '../../../pipeline/batch/shard.js';
import type { SubtitleFormat } from '../../../text/subtitles.js';
import type { ValueOrigins } from '../../config/apply-config.js';
import { settingsFromFlags, type ConnectionFlags, type SettingsFlags } from '../../options.js';
import { formatSampleRate } from '../../terminal/format-rate.js';
import { Ui } from '../../terminal/ui.js';
import { checkVoice, knownCatalogue } from '../voices/voice-check.js';

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

export interface BatchPlan {
  flags: BatchFlags;
  format: ItemFormat;
  settings: Settings;
  concurrency: number;
  shard: Shard | undefined;
  ui: Ui;
}

/** The API's limit of open sockets per account. */
const DEFAULT_MAX_SOCKETS = 5;

export async function planBatch(flags: BatchFlags, origins?: ValueOrigins): Promise<BatchPlan> {
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
  return { flags, format, settings, concurrency, shard, ui };
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

export async function* shardItems(items: AsyncIterable<ManifestItem>, shard: Shard | undefined): AsyncGenerator<ManifestItem> {
  for await (const item of items) if (inShard(item.index, shard)) yield item;
}

