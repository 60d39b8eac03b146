// `voices --preview ID`: a sample sentence in that voice, through the speakers or into `-o FILE`,
// spoken through the same steps as `say` (plan, then perform), without `say`'s own argument handling.
import { performSpeech } from '../say/perform-speech.js';
import { planSpeech } from '../say/speech-plan.js';
import type { VoicesFlags } from './voice-catalogue.js';
import { runVoiceQuestion } from './voice-question.js';

export async function previewVoice(flags: VoicesFlags & { preview: string }): Promise<void> {
  const { language: _filter, gender: _gender, refresh: _refresh, preview: voice, ...rest } = flags;
  const sayFlags = { ...rest, voice, model: flags.model, voiceArgument: '--preview' };
  // As `say -v '?'`: the voices, one a line.
  if (voice === '?') return runVoiceQuestion(sayFlags);
  const name = voice.charAt(0).toUpperCase() + voice.slice(1);
  const sample = `Hello, I'm ${name}. This is how I sound when I read a few sentences aloud: clearly, and at an easy pace.`;
  const plan = await planSpeech(sayFlags, null);
  await performSpeech(plan, async () => sample);
}
