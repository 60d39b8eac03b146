// FIFOs opened and used without a blocked thread, so a signal can always end the wait: a writer
// polls for a reader, a reader's blocked open is released by a short write-side open, and both then
// go through a non-blocking pipe handle (a net.Socket) instead of the file system's thread pool.
import { closeSync, constants, open as openFd, openSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const POLL_MS = 50;
const openAsync = promisify(openFd);

/** Whether `path` (after links) is a FIFO. */
export function isFifo(path: string): boolean {
  try {
    return statSync(path).isFIFO();
  } catch {
    return false;
  }
}

/** Opens a FIFO for writing once a reader has it open; aborting `signal` ends the wait (an AbortError). */
export async function openFifoForWriting(path: string, signal?: AbortSignal): Promise<Socket> {
  for (;;) {
    signal?.throwIfAborted();
    try {
      // With O_NONBLOCK the open never waits: ENXIO while nobody reads.
      const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
      return new Socket({ fd, readable: false, writable: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
    }
    await sleep(POLL_MS, undefined, { signal });
  }
}

/**
 * Opens a FIFO for reading once a writer has it open (as `cat` would), then reads without a blocked
 * thread; aborting `signal` releases the wait (an AbortError) and destroys the stream.
 */
export async function openFifoForReading(path: string, signal?: AbortSignal): Promise<Socket> {
  signal?.throwIfAborted();
  // The open waits in the thread pool for a writer; opening the write side ourselves lets it return.
  const release = () => {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // No reader waiting any more: nothing to release.
    }
  };
  signal?.addEventListener('abort', release, { once: true });
  let fd: number;
  try {
    fd = await openAsync(path, constants.O_RDONLY);
  } finally {
    signal?.removeEventListener('abort', release);
  }
  const stream = new Socket({ fd, readable: true, writable: false });
  if (signal?.aborted) {
    stream.destroy();
    signal.throwIfAborted();
  }
  signal?.addEventListener('abort', () => stream.destroy(), { once: true });
  return stream;
}
