// Shards: `K/N` takes the items whose 0-based index ≡ K−1 (mod N), so N runs cover a manifest exactly once.
import { settingError } from '../../core/errors.js';

export interface Shard {
  /** 1-based: 1 … count. */
  index: number;
  count: number;
}

export function parseShard(raw: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw settingError('shard', 'The shard', `must be K/N with 1 ≤ K ≤ N, such as 2/8 (got ${JSON.stringify(raw)})`, raw, { code: 'bad_shard' });
  }
  return { index, count };
}

export function inShard(itemIndex: number, shard: Shard | undefined): boolean {
  return !shard || itemIndex % shard.count === shard.index - 1;
}

/** How many of `total` items (indices 0 … total−1) fall in the shard. */
export function shardSize(total: number, shard: Shard | undefined): number {
  if (!shard) return total;
  const first = shard.index - 1;
  return total > first ? Math.floor((total - 1 - first) / shard.count) + 1 : 0;
}
