// Waves voice ids mapped onto Flite's English voices (data only, cheap to import).

export interface FliteVoice {
  flite: 'slt' | 'rms' | 'awb' | 'kal16';
  name: string;
  gender: 'female' | 'male';
  accent: string;
  /** Mean pitch in Hz, to tell voices that share a Flite voice apart. */
  pitch?: number;
}

/** Waves voice ids mapped onto Flite's English voices. */
export const FLITE_VOICES: Record<string, FliteVoice> = {
  sophia: { flite: 'slt', name: 'Sophia', gender: 'female', accent: 'american' },
  emily: { flite: 'slt', name: 'Emily', gender: 'female', accent: 'american', pitch: 215 },
  ryan: { flite: 'rms', name: 'Ryan', gender: 'male', accent: 'american' },
  james: { flite: 'kal16', name: 'James', gender: 'male', accent: 'american' },
  arthur: { flite: 'awb', name: 'Arthur', gender: 'male', accent: 'scottish' },
};
