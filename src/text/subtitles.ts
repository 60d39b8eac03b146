// Subtitles from word timings: cues of consecutive words, SRT and WebVTT text (written by audio/byte-target's writeFileOutput).
import { extname } from 'node:path';
import { SmallestTtsError, UsageError } from '../errors.js';

import type { TimedWord } from '../waves/speech-stream.js';
import { endsSentence } from './sentence-end.js';

/** One spoken word, in seconds from the start of the whole output's audio. */
export type { TimedWord };

export interface Cue {
  /** Seconds: the first word's start and the last word's end. */
  start: number;
  end: number;
  /** The cue's words, verbatim, joined by single spaces. */
  text: string;
  words: TimedWord[];
}

export interface CueOptions {
  /** Longest cue text in characters (a single longer word still gets a cue of its own). Default 42. */
  maxChars?: number;
  /** Longest cue in seconds, first word's start to last word's end. Default 7. */
  maxSeconds?: number;
}

export type SubtitleFormat = 'srt' | 'vtt';
export const SUBTITLE_FORMATS: readonly SubtitleFormat[] = ['srt', 'vtt'];

export { endsSentence };

/**
 * Groups words into cues: a cue closes after a word that ends a sentence, and before a word that
 * would take it past `maxChars` or `maxSeconds`. Every word appears exactly once, in order.
 */
export function buildCues(words: readonly TimedWord[], options: CueOptions = {}): Cue[] {
  const maxChars = options.maxChars ?? 42;
  const maxSeconds = options.maxSeconds ?? 7;
  const cues: Cue[] = [];
  let current: TimedWord[] = [];
  let length = 0;
  const close = () => {
    if (current.length === 0) return;
    cues.push({ start: current[0].start, end: current[current.length - 1].end, text: current.map((w) => w.word).join(' '), words: current });
    current = [];
    length = 0;
  };
  for (const word of words) {
    if (current.length > 0 && (length + 1 + word.word.length > maxChars || word.end - current[0].start > maxSeconds)) close();
    length += (current.length > 0 ? 1 : 0) + word.word.length;
    current.push(word);
    if (endsSentence(word.word)) close();
  }
  close();
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

/** A cue's text on one line: a line break inside a word would end the cue early in both formats. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

export function formatSrt(cues: readonly Cue[]): string {
  return cues
    .map((cue, i) => `${i + 1}\n${formatTimestamp(cue.start, ',')} --> ${formatTimestamp(cue.end, ',')}\n${oneLine(cue.text)}\n`)
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
