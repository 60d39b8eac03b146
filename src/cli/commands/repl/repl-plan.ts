// Before anything opens: the REPL's flags, whether a person is at the prompt, the output's format and the first settings.
import { formatFromPath, type OutputFormat } from '../../../audio/formats.js';
import { UsageError } from '../../../core/errors.js';
import type { Settings } from '../../../core/settings.js';
import type { ValueOrigins } from '../../config/apply-config.js';
import { settingsFromFlags, type ConnectionFlags, type SettingsFlags } from '../../options.js';
import { checkOutputFolder } from '../../output/output-folder.js';
import { formatSampleRate } from '../../terminal/format-rate.js';
import { checkVoice, knownCatalogue } from '../voices/voice-check.js';
import { writableExtensions } from './repl-session.js';

export interface ReplFlags extends SettingsFlags, ConnectionFlags {
  output?: string;
  format?: string;
  device?: string;
  quiet?: boolean;
  verbose?: boolean;
  idleTimeout?: number;
}

export interface ReplPlan {
  flags: ReplFlags;
  /** A person at a terminal (stdin and stdout), not piped lines. */
  interactive: boolean;
  karaokeOn: boolean;
  outputFormat: OutputFormat | undefined;
  initial: Settings;
}

export function planRepl(flags: ReplFlags, origins?: ValueOrigins): ReplPlan {
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  // Karaoke at the prompt while lines play through the speakers: it wants word timings.
  const karaokeOn = interactive && !flags.output && !flags.quiet;
  const outputFormat = flags.output ? formatFromPath(flags.output, flags.format) : undefined;
  const telephonyRate = formatSampleRate(outputFormat, flags, origins);
  const initial = settingsFromFlags({
    ...flags,
    ...(karaokeOn && flags.wordTimestamps === undefined && { wordTimestamps: true }),
    ...(telephonyRate !== undefined && { sampleRate: telephonyRate }),
  });
  checkVoice(initial.voice, knownCatalogue({ offline: flags.offline, baseUrl: flags.baseUrl, model: initial.model }));
  if (flags.output === '-') throw new UsageError(`repl writes audio to a file with -o FILE, in the format of its extension (${writableExtensions()}), not to stdout.`);
  if (flags.output) checkOutputFolder(flags.output);
  return { flags, interactive, karaokeOn, outputFormat, initial };
}
