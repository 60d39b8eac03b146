// Subtitles from word timings: cues of consecutive words, SRT and WebVTT text (written by audio/byte-target's writeFileOutput).
import { extname } from 'node:path';
import { SmallestTtsError, UsageError } from '../core/errors.js';
import type { TimedWord } from '../core/words.js';
import { endsSentence } from './sentences.js';

/** One spoken word, in seconds from the start of the whole output's audio. */
export type { TimedWord };

export interface Cue {
  /** Seconds: the first word's start and the last word's end. */
  start: number;
  end: number;
  /** The cue's words as shown (see `oneLine`), joined by single spaces. */
  text: string;
  words: TimedWord[];
}

interface CueOptions {
  /** Longest cue text in characters (a single longer word still gets a cue of its own). Default 42. */
  maxChars?: number;
  /** Longest cue in seconds, first word's start to last word's end. Default 7. */
  maxSeconds?: number;
}

export type SubtitleFormat = 'srt' | 'vtt';

const textOf = (words: readonly TimedWord[]) => words.map((w) => oneLine(w.word)).join(' ');

/**
 * A sentence's last two cues when the last is one word left over ("paper." after 42 characters):
 * split again where their lengths are closest, within the bounds. Unchanged when no other split fits.
 */
function balanceLastTwo(group: TimedWord[][], maxChars: number, maxSeconds: number): void {
  if (group.length < 2 || group[group.length - 1].length !== 1) return;
  const words = [...group[group.length - 2], ...group[group.length - 1]];
  const fits = (part: TimedWord[]) => (part.length === 1 || textOf(part).length <= maxChars) && part[part.length - 1].end - part[0].start <= maxSeconds;
  let best = words.length - 1;
  let bestGap = Number.POSITIVE_INFINITY;
  for (let k = words.length - 1; k >= 1; k--) {
    const [a, b] = [words.slice(0, k), words.slice(k)];
    if (!fits(a) || !fits(b)) continue;
    const gap = Math.abs(textOf(a).length - textOf(b).length);
    if (gap < bestGap) [best, bestGap] = [k, gap];
  }
  group.splice(group.length - 2, 2, words.slice(0, best), words.slice(best));
}

/**
 * A cue's text as a player must see it, whatever the server's words held: on one line (a line
 * break would end the cue early), without escape sequences or control characters (which a
 * terminal or a player would act on). `-->` is each format's business (see formatSrt, vttText).
 */
const oneLine = (text: string) =>
  text
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g, '')
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\t/g, ' ');

/** SRT has no character references: `-->` in a cue's text would read as a timing line, so it becomes →. */
const srtText = (text: string) => oneLine(text).replace(/-->/g, '→');

/**
 * Groups words into cues: a cue closes after a word that ends a sentence, and before a word that
 * would take it past `maxChars` or `maxSeconds`; a sentence's last word is never left alone in a
 * cue after a full one (the last two are balanced). Every word appears exactly once, in order.
 */
export function buildCues(words: readonly TimedWord[], options: CueOptions = {}): Cue[] {
  const maxChars = options.maxChars ?? 42;
  const maxSeconds = options.maxSeconds ?? 7;
  const cues: Cue[] = [];
  /** The current sentence's cues, the last one still open. */
  let group: TimedWord[][] = [];
  let current: TimedWord[] = [];
  let length = 0;
  const close = () => {
    if (current.length > 0) group.push(current);
    current = [];
    length = 0;
  };
  const endSentence = () => {
    close();
    balanceLastTwo(group, maxChars, maxSeconds);
    for (const cue of group) cues.push({ start: cue[0].start, end: cue[cue.length - 1].end, text: textOf(cue), words: cue });
    group = [];
  };
  for (const word of words) {
    const shown = oneLine(word.word).length; // what a viewer sees, not the server's escape bytes
    if (current.length > 0 && (length + 1 + shown > maxChars || word.end - current[0].start > maxSeconds)) close();
    length += (current.length > 0 ? 1 : 0) + shown;
    current.push(word);
    if (endsSentence(word.word)) endSentence();
  }
  endSentence();
  return cues;
}

/**
 * Seconds → whole milliseconds, rounding half up on the number's shortest decimal spelling, so
 * 1.0005 is 1001 ms (binary arithmetic would see 1000.4999… and give 1000). Negative times are 0.
 */
export function toMilliseconds(seconds: number): number {
  if (!Number.isFinite(seconds)) throw new SmallestTtsError(`A word timing is not a number (got ${seconds}).`);
  if (seconds <= 0) return 0;
  const spelled = String(seconds);
  if (/e/i.test(spelled)) return Math.round(seconds * 1000); // below 1e-6 s or above 1e21 s: no half-way cases that matter
  const [whole, fraction = ''] = spelled.split('.');
  const digits = (fraction + '0000').slice(0, 4);
  return Number(whole) * 1000 + Number(digits.slice(0, 3)) + (digits[3] >= '5' ? 1 : 0);
}

/** `HH:MM:SS{separator}mmm`; hours grow past two digits when they must. */
export function formatTimestamp(seconds: number, separator: ',' | '.'): string {
  const ms = toMilliseconds(seconds);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const secs = Math.floor(ms / 1000) % 60;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(secs, 2)}${separator}${pad(ms % 1000, 3)}`;
}

export function formatSrt(cues: readonly Cue[]): string {
  return cues
    .map((cue, i) => `${i + 1}\n${formatTimestamp(cue.start, ',')} --> ${formatTimestamp(cue.end, ',')}\n${srtText(cue.text)}\n`)
    .join('\n');
}

/** WebVTT reserves `&` and `<` in cue text (and `-->` anywhere); they become character references. */
function vttText(text: string): string {
  return oneLine(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function formatVtt(cues: readonly Cue[]): string {
  const body = cues.map((cue) => `${formatTimestamp(cue.start, '.')} --> ${formatTimestamp(cue.end, '.')}\n${vttText(cue.text)}\n`);
  return ['WEBVTT\n', ...body].join('\n');
}

export function formatSubtitles(cues: readonly Cue[], format: SubtitleFormat): string {
  return format === 'srt' ? formatSrt(cues) : formatVtt(cues);
}

/** The subtitle format a file name asks for: `.srt` or `.vtt` (any case); anything else is a usage error. */
export function subtitleFormatFromPath(path: string): SubtitleFormat {
  const ext = extname(path).slice(1).toLowerCase();
  if (ext === 'srt' || ext === 'vtt') return ext;
  throw new UsageError(`Cannot tell the subtitle format of ${JSON.stringify(path)}: use a name ending in .srt or .vtt.`);
}
