// Karaoke on a terminal: the text being heard, its current word highlighted, timed by the playback clock.
import type { TimedWord } from '../../waves/utterance/speech-stream.js';
import { printable, usableWidth, type LineStream } from './progress.js';

interface KaraokeFrame {
  before: string;
  current: string;
  after: string;
}

interface Segment {
  text: string;
  start: number;
}

/** The last index whose start is at or before `t` (items sorted by start), or -1. */
function lastStarted<T extends { start: number }>(items: readonly T[], t: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].start <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * What to show at playback time `t` (seconds) on a line of `columns`: with word timings, the words
 * around the one being heard (it highlighted, a third of the line before it); without them, the
 * text of the piece being heard. Plain text, cut to fit width − 1.
 */
export function karaokeFrame(words: readonly TimedWord[], segments: readonly Segment[], t: number, columns: number | undefined): KaraokeFrame | null {
  const width = Math.max(1, usableWidth(columns) - 1);
  const i = lastStarted(words, t);
  if (i >= 0 && t <= words[i].end + 2) {
    const current = printable(words[i].word).slice(0, width);
    let before = '';
    for (let j = i - 1; j >= 0 && before.length + words[j].word.length + 1 <= width / 3; j--) before = `${printable(words[j].word)} ${before}`;
    let after = '';
    for (let j = i + 1; j < words.length && before.length + current.length + after.length + words[j].word.length + 1 <= width; j++) after += ` ${printable(words[j].word)}`;
    return { before, current, after };
  }
  const s = lastStarted(segments, t);
  if (s < 0) return null;
  const text = printable(segments[s].text);
  return { before: text.length > width ? `${text.slice(0, width - 1)}…` : text, current: '', after: '' };
}

const CLEAR = '\r\x1b[K';

/** Redraws the karaoke line in place (only "\r" and clear-to-end), at most every `intervalMs`, only when it changed. */
export class Karaoke {
  private readonly words: TimedWord[] = [];
  private readonly segments: Segment[] = [];
  private timer: NodeJS.Timeout | null = null;
  private shown = '';

  constructor(
    private readonly stream: LineStream,
    /** Seconds of audio heard so far. */
    private readonly position: () => number,
    private readonly highlight: (word: string) => string,
    private readonly intervalMs = 80,
  ) {}

  word(word: TimedWord): void {
    this.words.push(word);
    this.start();
  }

  segment(segment: Segment): void {
    this.segments.push(segment);
    this.start();
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.draw(), this.intervalMs);
    this.timer.unref();
  }

  private draw(): void {
    const frame = karaokeFrame(this.words, this.segments, this.position(), this.stream.columns);
    const line = frame ? `${frame.before}${frame.current && this.highlight(frame.current)}${frame.after}` : '';
    if (line === this.shown) return;
    this.shown = line;
    this.stream.write(`${CLEAR}${line}`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.shown) this.stream.write(CLEAR);
    this.shown = '';
  }
}
