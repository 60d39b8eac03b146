// The sample rate an output format brings with it (telephony's 8 kHz), unless --sample-rate is typed.
import { FORMAT_INFO, type OutputFormat } from '../../audio/formats.js';
import type { ValueOrigins } from '../config/apply-config.js';

/**
 * The sample rate a format imposes unless --sample-rate is typed: 8 kHz for G.711 (.ulaw, .alaw), which
 * telephony expects whatever rate a config file sets for the other formats. Undefined: no change.
 */
export function formatSampleRate(format: OutputFormat | undefined, flags: { sampleRate?: number }, origins?: ValueOrigins): number | undefined {
  const rate = format === undefined ? undefined : FORMAT_INFO[format].sampleRate;
  if (rate === undefined) return undefined;
  const typed = origins ? origins.onCommandLine('sampleRate') : flags.sampleRate !== undefined;
  return typed ? undefined : rate;
}
