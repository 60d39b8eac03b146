// The models: one table of what each accepts (languages, speeds, sample rates, options, route), and their spellings.

export const MODELS = ['lightning_v3.1', 'lightning_v3.1_pro', 'lightning-v2'] as const;
type Model = (typeof MODELS)[number];

/** The voices that send word_timestamp frames when asked (the others accept the flag and send none). */
export const WORD_TIMESTAMP_VOICES = ['meher', 'devansh', 'kartik', 'maithili', 'liam', 'avery'] as const;

/** Whether the API's voice of this id sends word timings (by the list above; a catalogue may say otherwise). */
export function sendsWordTimestamps(voiceId: string): boolean {
  return (WORD_TIMESTAMP_VOICES as readonly string[]).includes(voiceId);
}

/** Language names by code, for every code any model accepts. */
export const LANGUAGES: Readonly<Record<string, string>> = {
  auto: 'Automatic (from the text)',
  en: 'English', hi: 'Hindi', mr: 'Marathi', kn: 'Kannada', ta: 'Tamil', bn: 'Bengali', gu: 'Gujarati',
  te: 'Telugu', ml: 'Malayalam', pa: 'Punjabi', or: 'Odia', es: 'Spanish', de: 'German', fr: 'French',
  it: 'Italian', nl: 'Dutch', sv: 'Swedish', pt: 'Portuguese', ru: 'Russian', pl: 'Polish',
  el: 'Greek', fi: 'Finnish', no: 'Norwegian', ar: 'Arabic', zh: 'Chinese', id: 'Indonesian',
  ja: 'Japanese', ko: 'Korean', ms: 'Malay', tr: 'Turkish', vi: 'Vietnamese', he: 'Hebrew',
};
export const LANGUAGE_CODES = Object.keys(LANGUAGES);

const V31_LANGUAGES = ['auto', 'en', 'hi', 'mr', 'kn', 'ta', 'bn', 'gu', 'te', 'ml', 'pa', 'or', 'es', 'de', 'fr', 'it', 'nl', 'sv', 'pt', 'ru', 'pl'];
const PRO_LANGUAGES = [...V31_LANGUAGES, 'el', 'fi', 'no', 'ar', 'zh', 'id', 'ja', 'ko', 'ms', 'tr', 'vi'];
const V2_LANGUAGES = ['en', 'hi', 'mr', 'kn', 'ta', 'bn', 'gu', 'de', 'fr', 'es', 'it', 'pl', 'nl', 'ru', 'ar', 'he'];

interface ModelSpec {
  /** The name sent in a request body and shown to users. */
  id: Model;
  /** Other spellings a user may type: URL path segments use hyphens. */
  aliases: readonly string[];
  /** The segment in per-model routes: /waves/v1/{pathName}/get_speech/stream. */
  pathName: string;
  /** Whether the live route (/waves/v1/tts/live, model in the body) serves it; if not, only per-model routes do. */
  live: boolean;
  languages: readonly string[];
  speed: readonly [number, number];
  sampleRates: readonly number[];
  /** consistency, similarity and enhancement. */
  v2Options: boolean;
  /** Retired by the vendor (its routes answer 410). */
  retired?: string;
}

export const MODEL_SPECS: readonly ModelSpec[] = [
  {
    id: 'lightning_v3.1', aliases: ['lightning-v3.1', 'lightning_v3_1', 'v3.1'], pathName: 'lightning-v3.1', live: true,
    languages: V31_LANGUAGES, speed: [0.5, 2], sampleRates: [8000, 16000, 24000, 44100], v2Options: false,
  },
  {
    id: 'lightning_v3.1_pro', aliases: ['lightning-v3.1-pro', 'lightning_v3_1_pro', 'pro'], pathName: 'lightning-v3.1-pro', live: true,
    languages: PRO_LANGUAGES, speed: [0.5, 2], sampleRates: [8000, 16000, 24000, 44100], v2Options: false,
  },
  {
    id: 'lightning-v2', aliases: ['lightning_v2'], pathName: 'lightning-v2', live: false,
    languages: V2_LANGUAGES, speed: [0.1, 5], sampleRates: [8000, 16000, 24000, 44100], v2Options: true, retired: '2026-05-19',
  },
];

/** The model's id for any of its spellings; an unknown name comes back unchanged. */
export function canonicalModel(name: string): string {
  const trimmed = name.trim();
  return MODEL_SPECS.find((m) => m.id === trimmed || m.aliases.includes(trimmed))?.id ?? trimmed;
}

export function modelSpec(name: string): ModelSpec | undefined {
  const id = canonicalModel(name);
  return MODEL_SPECS.find((m) => m.id === id);
}

export function languageName(code: string): string | undefined {
  return Object.hasOwn(LANGUAGES, code) ? LANGUAGES[code] : undefined;
}

export function modelsWithLanguage(code: string): Model[] {
  return MODEL_SPECS.filter((m) => m.languages.includes(code) && !m.retired).map((m) => m.id);
}
