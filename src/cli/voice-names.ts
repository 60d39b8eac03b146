// Voice names the CLI can offer for completion without a request: the documented ones and the offline voices.
import { FLITE_VOICES } from '../server/flite-voices.js';

const DOCUMENTED = ['sophia', 'emily', 'ryan'];

export function knownVoices(_model: string): string[] {
  return [...new Set([...DOCUMENTED, ...Object.keys(FLITE_VOICES)])].sort();
}
