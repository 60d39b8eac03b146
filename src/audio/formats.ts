// Output formats: their names, file extensions and descriptions, and choosing one from a file name or --format.
import { extname } from 'node:path';
import { UsageError } from '../core/errors.js';

export const OUTPUT_FORMATS = ['wav', 'mp3', 'flac', 'ogg', 'raw', 'ulaw', 'alaw'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

interface FormatInfo {
  extensions: readonly string[];
  description: string;
  /** Loses nothing: decodes to exactly the PCM received. */
  lossless: boolean;
  /** The sample rate this format is written at unless one is asked for (telephony: 8 kHz). */
  sampleRate?: number;
}

export const FORMAT_INFO: Record<OutputFormat, FormatInfo> = {
  wav: { extensions: ['.wav'], description: '16-bit PCM WAV (the default)', lossless: true },
  mp3: { extensions: ['.mp3'], description: 'MP3, constant bit rate (LAME)', lossless: false },
  flac: { extensions: ['.flac'], description: 'FLAC, lossless and about half the size of WAV', lossless: true },
  ogg: { extensions: ['.ogg', '.oga'], description: 'Ogg Vorbis', lossless: false },
  raw: { extensions: ['.raw', '.pcm'], description: 'headerless s16le mono PCM', lossless: true },
  ulaw: { extensions: ['.ulaw', '.ul', '.mulaw'], description: 'headerless G.711 μ-law, 8 kHz unless a sample rate is given (telephony)', lossless: false, sampleRate: 8000 },
  alaw: { extensions: ['.alaw', '.al'], description: 'headerless G.711 A-law, 8 kHz unless a sample rate is given (telephony)', lossless: false, sampleRate: 8000 },
};

/** "wav (.wav), mp3 (.mp3), …" for error messages and help. */
function describeFormats(): string {
  return OUTPUT_FORMATS.map((f) => `${f} (${FORMAT_INFO[f].extensions.join(', ')})`).join(', ');
}

export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

/** `--format` value: a format name, case-insensitive; "pcm" is accepted for raw. */
export function parseFormat(name: string): OutputFormat {
  const lower = name.trim().toLowerCase().replace(/^\./, '');
  if (lower === 'pcm') return 'raw';
  if (lower === 'oga' || lower === 'vorbis') return 'ogg';
  if (lower === 'mulaw' || lower === 'u-law' || lower === 'μ-law' || lower === 'ul' || lower === 'pcmu') return 'ulaw';
  if (lower === 'a-law' || lower === 'al' || lower === 'pcma') return 'alaw';
  if (isOutputFormat(lower)) return lower;
  throw new UsageError(`Unknown format ${JSON.stringify(name)}.`, { code: 'unknown_format', data: { setting: 'format', value: name, formats: describeFormats() }, hint: `Formats: ${describeFormats()}.` });
}

/**
 * The format for an output path: `override` (a --format value) wins; else the extension; a path
 * without an extension (or `-`, a device) is WAV. An unknown extension is a usage error.
 */
export function formatFromPath(path: string, override?: string): OutputFormat {
  if (override !== undefined) return parseFormat(override);
  if (path === '-') return 'wav';
  const ext = extname(path).toLowerCase();
  if (ext === '' || path.startsWith('/dev/')) return 'wav';
  for (const format of OUTPUT_FORMATS) if (FORMAT_INFO[format].extensions.includes(ext)) return format;
  throw new UsageError(`Cannot tell the audio format of ${path}: unknown extension ${ext}.`, { code: 'unknown_extension', data: { path, extension: ext, formats: describeFormats() }, hint: `Formats: ${describeFormats()}; or name the format.` });
}
