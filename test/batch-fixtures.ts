// Shared by the batch CLI tests: realistic lines, and reading what a run left in its folder and what the server sent.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { WavesServer } from '../src/server/waves-server.js';

export const LINES = [
  'Mr. Smith arrived at 10 a.m. on Monday, 3 March.',
  'Dr. Jones said the repair would cost $1,200.',
  'The train to Edinburgh leaves from platform 9 at 14:35.',
  'Please call 555 0199 before Friday.',
  'It rained for 3 days in a row, e.g. from Tuesday to Thursday.',
  'Our order number is 48213, and it shipped yesterday.',
  'The meeting with Mrs. Patel moved to Room 204.',
  'Temperatures reached 38.5 degrees in the afternoon.',
  'St. Andrews is about 50 miles north of Edinburgh.',
  'The report lists 7 findings and 2 open questions.',
  'Prof. Nakamura will present the results at noon.',
  'Thank you for listening, and good night.',
];

export const wavsIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.wav')).sort();
export const tempsIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.part'));
export const texts = (server: WavesServer, from = 0) => server.requests.slice(from).map((r) => r.text);

/** The PCM the server sent for the request with this text (completed, recorded). */
export function pcmFor(server: WavesServer, text: string): Buffer {
  const matches = server.requests.filter((r) => r.text === text && r.outcome === 'complete');
  assert.equal(matches.length, 1, `one completed request for ${JSON.stringify(text)}`);
  return matches[0].pcm ?? Buffer.alloc(0);
}
