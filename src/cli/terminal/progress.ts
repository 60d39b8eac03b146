// The live status line on a terminal (spinner, progress with an ETA) and the closing summary: pure formatting + one small writer over ora.

export interface Progress {
  /** Characters of text whose audio is complete. */
  textDone: number;
  /** Unknown while the text is still arriving (a pipe). */
  textTotal?: number;
  /** Audio produced so far. */
  audioSeconds: number;
}

/** 5 → "0:05", 761 → "12:41", 3723 → "1:02:03". */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Wall-clock time for a summary: "0.4 s", "38 s", "2:05". */
export function formatElapsed(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  return formatClock(seconds);
}

/** Remaining time, from the pace so far; undefined until something is done. */
export function estimateRemainingMs(p: Progress, elapsedMs: number): number | undefined {
  if (p.textTotal === undefined || p.textDone <= 0 || p.textTotal <= 0 || elapsedMs <= 0) return undefined;
  const left = Math.max(0, p.textTotal - p.textDone);
  return (elapsedMs * left) / p.textDone;
}

/** "37% · 1:23 of audio · ETA 0:17". */
export function progressText(p: Progress, elapsedMs: number): string {
  if (p.textTotal === undefined) return `${formatClock(p.audioSeconds)} of audio`;
  const share = p.textTotal > 0 ? Math.min(100, Math.floor((100 * p.textDone) / p.textTotal)) : 0;
  const eta = estimateRemainingMs(p, elapsedMs);
  return `${share}% · ${formatClock(p.audioSeconds)} of audio · ETA ${eta === undefined ? '…' : formatClock(Math.ceil(eta / 1000))}`;
}

/**
 * Smooths the share done between request boundaries: textDone moves only when a request completes,
 * so the text of the current one is estimated from its audio at the pace of the finished ones.
 * Never goes backwards.
 */
export class ProgressEstimator {
  private mark = { text: 0, audio: 0 };
  private shown = 0;

  estimate(p: Progress): Progress {
    if (p.textDone !== this.mark.text) this.mark = { text: p.textDone, audio: p.audioSeconds };
    const pace = this.mark.audio > 0 ? this.mark.text / this.mark.audio : 0;
    const guess = Math.min(p.textTotal ?? Number.POSITIVE_INFINITY, p.textDone + (p.audioSeconds - this.mark.audio) * pace);
    this.shown = Math.max(this.shown, guess);
    return { ...p, textDone: this.shown };
  }
}

/** "wrote chapter.mp3 — 12:41 of audio in 38 s". */
export function summaryText(target: string, audioSeconds: number, elapsedMs: number): string {
  return `wrote ${target} — ${formatClock(Math.round(audioSeconds))} of audio in ${formatElapsed(elapsedMs)}`;
}

/** Control characters (a file name is user data) would move the cursor: show them as "?". */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** A terminal width to fit into: 0 or unknown (a 0×0 pty, not a terminal) counts as 80. */
export function usableWidth(columns: number | undefined): number {
  return columns && columns > 0 ? columns : 80;
}

/** Cut to fit one line without wrapping: at most width − 1 characters (the last column would wrap on some terminals). */
export function fitWidth(text: string, columns: number | undefined): string {
  const max = Math.max(1, usableWidth(columns) - 1);
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return max === 1 ? chars[0] : `${chars.slice(0, max - 1).join('')}…`;
}

const CLEAR = '\r\x1b[K';
/** DEC mode 2026 (synchronized output), which ora wraps each render in: one write per draw needs none. */
const SYNCHRONIZED = /\x1b\[\?2026[hl]/g;

export interface LineStream {
  write(chunk: string): unknown;
  columns?: number;
}

type Ora = import('ora').Ora;
let oraModule: Promise<typeof import('ora')> | undefined;

/** ora costs ~100 ms to load: only a terminal that shows a status line loads it, after the line's delay. */
function loadOra(): Promise<typeof import('ora')> {
  oraModule ??= import('ora');
  return oraModule;
}

/**
 * The terminal as ora sees it: never 0 columns (a 0×0 pty made ora 9.4 clear lines in an endless
 * loop, measured), cursor moves as "\r" and clear-to-end, and each render gathered into one write.
 */
class OraTerminal {
  readonly isTTY = true;
  private pending: string | null = null;

  constructor(private readonly stream: LineStream) {}

  get columns(): number {
    return usableWidth(this.stream.columns);
  }

  write(chunk: string): boolean {
    if (this.pending !== null) this.pending += chunk;
    else this.stream.write(chunk);
    return true;
  }

  cursorTo(): void {
    this.write('\r');
  }

  moveCursor(): void {
    // Never needed: the line is cut to fit one row, so ora has only one line to clear.
  }

  clearLine(): void {
    this.write('\x1b[K');
  }

  once(): this {
    return this;
  }

  /** Runs `draw` and writes what it wrote at once, from the start of the row, without synchronized-output brackets. */
  gather(draw: () => void): void {
    this.pending = '';
    try {
      draw();
    } finally {
      // ora clears only what it drew before: every draw starts with one "\r" and clear-to-end instead.
      const out = this.pending.replace(SYNCHRONIZED, '').replace(/^(?:\r|\x1b\[K)+/, '');
      this.pending = null;
      if (out) this.stream.write(`${CLEAR}${out}`);
    }
  }
}

/**
 * One line that redraws in place with "\r" and clear-to-end only (never cursor-up), drawn by ora
 * (its spinner and its width-aware clearing), truncated to the width, at most once per `intervalMs`
 * from our own timer (ora's start() would keep the process alive and patch stdout and stderr), and
 * only after `delayMs` so quick work shows nothing and loads nothing. Output stays bounded whatever
 * the terminal's size.
 */
export class LiveLine {
  private text = '';
  private drawn = false;
  private timer: NodeJS.Timeout | null = null;
  private spinner: Ora | null = null;
  private readonly terminal: OraTerminal;
  private readonly shownAfter: number;

  constructor(
    private readonly stream: LineStream,
    private readonly options: { intervalMs?: number; delayMs?: number } = {},
  ) {
    this.terminal = new OraTerminal(stream);
    this.shownAfter = Date.now() + (options.delayMs ?? 1000);
  }

  /** Sets the text; the next tick draws it. */
  set(text: string): void {
    this.text = text;
    if (this.timer) return;
    this.timer = setInterval(() => this.draw(), this.options.intervalMs ?? 100);
    this.timer.unref();
  }

  private draw(): void {
    if (!this.text || Date.now() < this.shownAfter) return;
    if (!this.spinner) {
      void loadOra().then(({ default: ora }) => {
        this.spinner ??= ora({
          stream: this.terminal as unknown as NodeJS.WritableStream,
          isEnabled: true,
          discardStdin: false,
          hideCursor: false,
          color: false,
          spinner: 'dots',
          interval: this.options.intervalMs ?? 100,
        });
      });
      return;
    }
    const spinner = this.spinner;
    // The spinner and a space come first: the text gets what is left of the row.
    spinner.text = fitWidth(this.text, this.terminal.columns - 2);
    this.terminal.gather(() => spinner.render());
    this.drawn = true;
  }

  /** Removes the line from the screen (keeps the text, so a later tick draws it again). */
  hide(): void {
    if (this.drawn) this.stream.write(CLEAR);
    this.drawn = false;
  }

  /** Writes a whole line above the live one. */
  print(line: string): void {
    this.hide();
    this.stream.write(`${line}\n`);
  }

  /** Stops and removes the line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.text = '';
    this.hide();
  }
}
