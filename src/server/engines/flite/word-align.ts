// Word timings from Flite's output: the input's words mapped onto the timed phone segments; pure.
//
// Flite prints timed segments (`-psdur`) but not which word each belongs to. A second, cheap run
// speaks every input word as its own utterance (`-ps`), which says which phones each input word
// becomes ("$100" → "w aa n hh aa n d r ax d d aa l er z"). Lining those phones up with the timed
// ones (edit distance, so context-dependent readings such as "Dr." → doctor/drive still fit) gives
// each input word the span of its phones.
import type { WordTiming } from '../engine.js';

interface Segment {
  phone: string;
  /** End time in seconds; a segment starts where the previous one ends. */
  end: number;
}

const PAUSE = 'pau';

/** Parses `-psdur` output ("pau:0.220 hh:0.295 …"), one line per utterance, into one timeline. */
export function parseSegments(output: string): Segment[] {
  const segments: Segment[] = [];
  let offset = 0;
  for (const line of output.split('\n')) {
    let last = 0;
    for (const field of line.trim().split(/\s+/)) {
      const colon = field.lastIndexOf(':');
      const end = Number(field.slice(colon + 1));
      if (colon <= 0 || !Number.isFinite(end)) continue;
      segments.push({ phone: field.slice(0, colon), end: offset + end });
      last = end;
    }
    offset += last;
  }
  return segments;
}

/** Parses `-ps` output of the one-word-per-utterance run: each line's phones, pauses left out. */
export function parsePhoneLines(output: string): string[][] {
  const lines = output.split('\n');
  if (lines[lines.length - 1].trim() === '') lines.pop();
  return lines.map((line) => line.trim().split(/\s+/).filter((p) => p && p !== PAUSE));
}

interface Timed {
  phone: string;
  start: number;
  end: number;
}

/** For each spoken phone, the index of the word it belongs to (by edit-distance alignment). */
function ownersByAlignment(spoken: Timed[], wordPhones: string[][]): number[] {
  const expected: { phone: string; word: number }[] = [];
  wordPhones.forEach((phones, word) => phones.forEach((phone) => expected.push({ phone, word })));
  const n = expected.length;
  const m = spoken.length;
  const cost = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = 0; i <= n; i++) cost[at(i, 0)] = i;
  for (let j = 0; j <= m; j++) cost[at(0, j)] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const substitute = cost[at(i - 1, j - 1)] + (expected[i - 1].phone === spoken[j - 1].phone ? 0 : 1);
      cost[at(i, j)] = Math.min(substitute, cost[at(i - 1, j)] + 1, cost[at(i, j - 1)] + 1);
    }
  }
  const owners = new Array<number>(m).fill(-1);
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const same = expected[i - 1].phone === spoken[j - 1].phone ? 0 : 1;
    if (cost[at(i, j)] === cost[at(i - 1, j - 1)] + same) owners[--j] = expected[--i].word;
    else if (cost[at(i, j)] === cost[at(i - 1, j)] + 1) i--;
    else j--;
  }
  // A spoken phone nothing expected lines up with joins the word before it (or after, at the start).
  for (let k = 0; k < m; k++) if (owners[k] < 0 && k > 0) owners[k] = owners[k - 1];
  for (let k = m - 1; k >= 0; k--) if (owners[k] < 0) owners[k] = k + 1 < m ? owners[k + 1] : 0;
  return owners;
}

/** Last resort: phones shared out in proportion to each word's letters (an estimate). */
function ownersByLetters(spoken: Timed[], words: string[]): number[] {
  const weights = words.map((w) => Math.max(1, w.replace(/[^\p{L}\p{N}]/gu, '').length));
  const total = weights.reduce((a, b) => a + b, 0);
  const owners: number[] = [];
  let word = 0;
  let upTo = weights[0];
  spoken.forEach((_, k) => {
    const share = ((k + 0.5) / spoken.length) * total;
    while (share > upTo && word < words.length - 1) upTo += weights[++word];
    owners.push(word);
  });
  return owners;
}

/**
 * Every word of `words`, verbatim, in order, once, with start ≤ end inside [0, duration] and
 * non-decreasing. `wordPhones[i]` lists the phones of words[i] spoken alone; when it does not
 * line up one-to-one with the words, times are estimated from letter counts.
 */
export function alignWords(words: string[], segments: Segment[], wordPhones: string[][] | undefined, duration: number): WordTiming[] {
  const spoken: Timed[] = [];
  let previousEnd = 0;
  for (const { phone, end } of segments) {
    if (phone !== PAUSE) spoken.push({ phone, start: previousEnd, end });
    previousEnd = end;
  }
  const clamp = (t: number) => Math.min(duration, Math.max(0, t));
  if (words.length === 0) return [];
  if (spoken.length === 0) return words.map((word) => ({ word, start: 0, end: 0 }));
  const owners = wordPhones && wordPhones.length === words.length ? ownersByAlignment(spoken, wordPhones) : ownersByLetters(spoken, words);
  const spans: { start: number; end: number }[] = words.map(() => ({ start: Number.NaN, end: Number.NaN }));
  owners.forEach((word, k) => {
    if (Number.isNaN(spans[word].start)) spans[word].start = spoken[k].start;
    spans[word].end = spoken[k].end;
  });
  let cursor = 0;
  return words.map((word, i) => {
    // A word with no phones of its own ("—", "...") sits at the point where the speech is.
    const start = Number.isNaN(spans[i].start) ? cursor : Math.max(cursor, clamp(spans[i].start));
    const end = Number.isNaN(spans[i].end) ? start : Math.max(start, clamp(spans[i].end));
    cursor = end;
    return { word, start, end };
  });
}
