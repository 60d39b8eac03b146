// Text that arrives in pieces: a continuation context (released as the service releases a continuation) and the older flush buffer.
import type { RequestFrame } from './request-check.js';
import { releasable, releaseAll } from '../text/releases.js';

/** Hands released text on, with the frame whose settings (voice, rate, ids) it is spoken with. */
type Release = (segments: string[], frame: RequestFrame) => void;

/** What both buffers hold: the text so far, the latest frame with settings, a release timer. */
abstract class TextBuffer {
  protected text = '';
  protected latest?: RequestFrame;
  protected timer?: NodeJS.Timeout;

  constructor(protected readonly release: Release) {}

  get length(): number {
    return this.text.length;
  }

  /** Drops what is buffered (cancel_request, context_close, the socket gone). */
  drop(): void {
    this.text = '';
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** How a context releases text: by sentence, as the service is described, or one release per fragment (a server that does not split). */
export type ReleaseMode = 'sentence' | 'fragment';

/**
 * A `context_id`'s buffer. In `sentence` mode text is released one sentence at a time (see
 * `releasable`): as sentence ends arrive, all of it when `max_buffer_delay_ms` passed since the
 * oldest buffered fragment (at once when it is 0), and all of it on `continue: false`. In `fragment`
 * mode each fragment is one release, on arrival.
 */
export class ContextBuffer extends TextBuffer {
  constructor(release: Release, private readonly mode: ReleaseMode = 'sentence') {
    super(release);
  }

  /** Adds a fragment; returns true when the context is finished (`continue: false`). */
  add(frame: RequestFrame): boolean {
    if (frame.params) this.latest = frame;
    if (this.mode === 'fragment') {
      this.text = frame.text;
      this.releaseAs(this.text.trim() === '' ? [] : [this.text.trim()]);
      return !frame.continue;
    }
    const wasEmpty = this.text.trim() === '';
    this.text += frame.text;
    if (!frame.continue || frame.maxBufferDelayMs <= 0) {
      this.releaseAs(releaseAll(this.text));
      return !frame.continue;
    }
    const { segments, rest } = releasable(this.text);
    this.text = rest;
    if (segments.length > 0 && this.latest) this.release(segments, this.latest);
    if (this.text === '') this.stopTimer();
    else if (wasEmpty || segments.length > 0) this.startTimer(frame.maxBufferDelayMs);
    return false;
  }

  /** Empties the buffer and releases `segments`. */
  private releaseAs(segments: string[]): void {
    this.stopTimer();
    this.text = '';
    if (segments.length > 0 && this.latest) this.release(segments, this.latest);
  }

  private startTimer(ms: number): void {
    this.stopTimer();
    this.timer = setTimeout(() => this.releaseAs(releaseAll(this.text)), ms);
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * The older buffer (no `context_id`): `continue: true` fragments wait; `flush: true` releases all of
 * it as one run. With `max_buffer_flush_ms` above 0 the buffer also releases itself that long after
 * its oldest fragment; at 0 nothing is spoken before the flush.
 */
export class FlushBuffer extends TextBuffer {
  get empty(): boolean {
    return this.text.trim() === '';
  }

  add(frame: RequestFrame): void {
    if (frame.params) this.latest = frame;
    const wasEmpty = this.empty;
    this.text += frame.text;
    if (frame.flush) this.flush();
    else if (wasEmpty && !this.empty && frame.maxBufferFlushMs > 0) this.timer = setTimeout(() => this.flush(), frame.maxBufferFlushMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    const text = this.text.trim();
    this.text = '';
    if (text !== '' && this.latest) this.release([text], this.latest);
  }
}
