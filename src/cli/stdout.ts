// stdout as a pipe: a reader that leaves early (EPIPE, `| head -c 10`) ends the run quietly, and
// flushing what is buffered never waits for a stream that can no longer drain.
import { once } from 'node:events';

let readerLeft = false;

/** Keeps stdout errors from crashing the process with a stack trace; call once at start-up. */
export function watchStdout(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') readerLeft = true;
    // Other write errors reach whoever is writing (a sink), which reports them.
  });
}

/** The reader of stdout has gone: nothing more can be written there. */
export function stdoutReaderLeft(): boolean {
  return readerLeft;
}

/** Waits until stdout's buffer is written, or until it cannot be (closed, errored). */
export async function flushStdout(stream: NodeJS.WriteStream = process.stdout): Promise<void> {
  if (readerLeft || stream.destroyed || stream.writableLength === 0) return;
  const ac = new AbortController();
  await Promise.race([
    once(stream, 'drain', { signal: ac.signal }),
    once(stream, 'close', { signal: ac.signal }),
  ]).catch(() => {});
  ac.abort(); // removes the listener that did not fire
}
