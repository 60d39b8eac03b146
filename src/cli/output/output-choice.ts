// Where `say` sends audio, from -o, --raw, --format and --device, decided before anything is sent; and opening it.
import { formatFromPath, parseFormat, type OutputFormat } from '../../audio/formats.js';
import { openFileSink, openStreamSink } from '../../audio/output.js';
import type { AudioSink } from '../../audio/sink.js';
import { SpeakerSink } from '../../audio/speaker.js';
import { UsageError } from '../../core/errors.js';
import { leadsToStdout } from '../../audio/output-target.js';

export type Output =
  | { kind: 'speaker'; device?: string }
  | { kind: 'stdout'; format: OutputFormat }
  | { kind: 'file'; path: string; format: OutputFormat };

export interface OutputFlags {
  output?: string;
  raw?: boolean;
  format?: string;
  device?: string;
}

/**
 * Usage errors (exit 2) for contradictory or incomplete flags and unknown extensions. Without -o
 * and --device, stdout redirected to an audio file (`say hi > out.mp3`: `stdoutFormat` mp3) gets
 * the audio, in that format unless --format or --raw says otherwise.
 */
export function outputFromFlags(flags: OutputFlags, stdoutIsTerminal: boolean, stdoutFormat?: OutputFormat): Output {
  const named = flags.format === undefined ? undefined : parseFormat(flags.format);
  if (flags.raw && named !== undefined && named !== 'raw') throw new UsageError(`--raw and --format ${named} contradict each other.`);
  const override = flags.raw ? 'raw' : flags.format;
  if (flags.output === undefined && stdoutFormat && !flags.device?.trim()) return { kind: 'stdout', format: override === undefined ? stdoutFormat : parseFormat(override) };
  if (flags.output === undefined) {
    if (flags.raw) throw new UsageError('--raw needs an output: -o FILE or -o - for stdout.');
    if (named !== undefined) throw new UsageError('--format needs an output: -o FILE or -o - for stdout.');
    const device = flags.device?.trim();
    return device ? { kind: 'speaker', device } : { kind: 'speaker' };
  }
  if (flags.output === '-') {
    if (stdoutIsTerminal) throw new UsageError('Refusing to write audio to a terminal.', 'Redirect it (-o - > out.wav) or pipe it (-o - | aplay).');
    return { kind: 'stdout', format: override === undefined ? 'wav' : parseFormat(override) };
  }
  if (flags.output.trim() === '') throw new UsageError('-o needs a file name, or - for stdout.');
  return { kind: 'file', path: flags.output, format: formatFromPath(flags.output, override) };
}

/** Opens the sink; for the speaker, call probePlayback() with the same device first. `signal` ends a wait for a FIFO's reader. */
export async function openOutput(output: Output, sampleRate: number, signal?: AbortSignal): Promise<AudioSink> {
  switch (output.kind) {
    case 'file':
      // /dev/stdout or a link to it is stdout itself (opening it by name fails when stdout is a socket).
      if (await leadsToStdout(output.path)) return openStreamSink(process.stdout, { format: output.format, sampleRate });
      return openFileSink(output.path, { format: output.format, sampleRate, signal });
    case 'stdout':
      return openStreamSink(process.stdout, { format: output.format, sampleRate });
    case 'speaker':
      return SpeakerSink.open(sampleRate, { device: output.device });
  }
}
