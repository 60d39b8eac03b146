// Text that arrives in pieces: a continuation context (A5 release rules) and the older flush buffer.
import type { RequestFrame } from './request-check.js';
import { releasable, splitText } from './segmenter.js';

/** Hands released text on, with the frame whose settings (voice, rate, ids) it is spoken with. */
export type Release = (segments: string[], frame: RequestFrame) => void;

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

/**
 * A `context_id`'s buffer. Text is released at a sentence end once long enough, in 250-character
 * pieces when longer, all of it when `max_buffer_delay_ms` passed since the oldest buffered fragment,
 * and all of it on `continue: false`.
 */
export class ContextBuffer extends TextBuffer {
  /** Adds a fragment; returns true when the context is finished (`continue: false`). */
  add(frame: RequestFrame): boolean {
    if (frame.params) this.latest = frame;
    const wasEmpty = this.text.trim() === '';
    this.text += frame.text;
    if (!frame.continue) {
      this.releaseAll();
      return true;
    }
    if (frame.maxBufferDelayMs <= 0) {
      // No wait allowed: every fragment is released as it arrives (one segment per fragment).
      this.releaseAll();
      return false;
    }
    const { segments, rest } = releasable(this.text);
    this.text = rest;
    if (segments.length > 0 && this.latest) this.release(segments, this.latest);
    if (this.text === '') this.stopTimer();
    else if (wasEmpty || segments.length > 0) this.startTimer(frame.maxBufferDelayMs);
    return false;
  }

  private releaseAll(): void {
    this.stopTimer();
    const segments = splitText(this.text);
    this.text = '';
    if (segments.length > 0 && this.latest) this.release(segments, this.latest);
  }

  private startTimer(ms: number): void {
    this.stopTimer();
    this.timer = setTimeout(() => this.releaseAll(), ms);
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
