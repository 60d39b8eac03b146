// Waves voice ids mapped onto Flite's English voices (data only, cheap to import).
import { sendsWordTimestamps } from '../../core/models.js';

interface FliteVoice {
  flite: 'slt' | 'rms' | 'awb' | 'kal16';
  name: string;
  gender: 'female' | 'male';
  accent: string;
  /** Mean pitch in Hz, to tell voices that share a Flite voice apart (slt and awb follow it; rms does not). */
  pitch?: number;
  /** The voice reports when each word is spoken (the API's word-timestamp voices). */
  wordTimestamps?: boolean;
}

/** Waves voice ids mapped onto Flite's English voices; those of the API's word-timestamp list report word timings. */
const VOICES: Record<string, FliteVoice> = {
  sophia: { flite: 'slt', name: 'Sophia', gender: 'female', accent: 'american' },
  emily: { flite: 'slt', name: 'Emily', gender: 'female', accent: 'american', pitch: 215 },
  ryan: { flite: 'rms', name: 'Ryan', gender: 'male', accent: 'american' },
  james: { flite: 'kal16', name: 'James', gender: 'male', accent: 'american' },
  arthur: { flite: 'awb', name: 'Arthur', gender: 'male', accent: 'scottish' },
  // The API's word-timestamp voices.
  liam: { flite: 'rms', name: 'Liam', gender: 'male', accent: 'american' },
  devansh: { flite: 'awb', name: 'Devansh', gender: 'male', accent: 'scottish', pitch: 100 },
  kartik: { flite: 'kal16', name: 'Kartik', gender: 'male', accent: 'american' },
  meher: { flite: 'slt', name: 'Meher', gender: 'female', accent: 'american', pitch: 190 },
  maithili: { flite: 'slt', name: 'Maithili', gender: 'female', accent: 'american', pitch: 200 },
  avery: { flite: 'slt', name: 'Avery', gender: 'female', accent: 'american', pitch: 235 },
};

export const FLITE_VOICES: Record<string, FliteVoice> = Object.fromEntries(
  Object.entries(VOICES).map(([id, voice]) => [id, sendsWordTimestamps(id) ? { ...voice, wordTimestamps: true } : voice]),
);
