// The sink factory for files and streams in every output format; encoders load only when their format is used (G.711 is a table).
import { openByteTarget, streamTarget, type ByteTarget } from './byte-target.js';
import type { EncodedFormat, StreamEncoder } from './encoders.js';
import type { OutputFormat } from './formats.js';
import { g711Encoder } from './g711.js';
import { StreamSink, type AudioSink } from './sink.js';
import { WavFileSink, WavStreamSink } from './wav.js';

interface OutputOptions {
  format: OutputFormat;
  sampleRate: number;
  /** Ends a wait for a FIFO's reader; after it aborts, a device or FIFO that cannot finish soon is closed. */
  signal?: AbortSignal;
}

/** Every sink the factory makes counts the PCM bytes it was given. */
export type CountingSink = AudioSink & { readonly bytesWritten: number };

async function encodingSink(target: ByteTarget, format: EncodedFormat | 'ulaw' | 'alaw', sampleRate: number): Promise<CountingSink> {
  let encoder: StreamEncoder;
  try {
    if (format === 'ulaw' || format === 'alaw') encoder = g711Encoder(format);
    else {
      const { createStreamEncoder } = await import('./encoders.js');
      encoder = await createStreamEncoder(format, sampleRate);
    }
  } catch (error) {
    await target.discard();
    throw error;
  }
  const { EncodingSink } = await import('./encoding-sink.js');
  return EncodingSink.start(target, encoder);
}

/**
 * A file in `format`, written as the audio arrives into a temporary file beside `path` and renamed
 * into place by end(); abort() leaves nothing (and an existing file untouched). Devices and FIFOs
 * are written in place. Fails now, before any synthesis, when the path cannot be written.
 */
export async function openFileSink(path: string, options: OutputOptions): Promise<CountingSink> {
  const { format, sampleRate, signal } = options;
  if (format === 'wav' || format === 'raw') return WavFileSink.open(path, sampleRate, { raw: format === 'raw', signal });
  return encodingSink(await openByteTarget(path, signal), format, sampleRate);
}

/** `format` to a stream such as stdout: no header patching, so WAV announces an unknown length and FLAC unknown totals. */
export async function openStreamSink(stream: NodeJS.WritableStream, options: OutputOptions): Promise<CountingSink> {
  const { format, sampleRate } = options;
  if (format === 'wav') return new WavStreamSink(stream, sampleRate);
  if (format === 'raw') return new StreamSink(stream);
  return encodingSink(streamTarget(stream), format, sampleRate);
}
