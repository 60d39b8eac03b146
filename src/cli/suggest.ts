// "Did you mean …?": the candidates closest to a mistyped name, by edit distance.

/**
 * Edit distance, case-insensitive: insertions, deletions, substitutions and swaps of two neighbours
 * (Levenshtein with transpositions, "vocie" → "voice" is 1).
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let before: number[] = [];
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) row[j] = Math.min(row[j], before[j - 2] + 1);
    }
    before = previous;
    previous = row;
  }
  return previous[t.length];
}

/**
 * Up to `max` candidates close to `input`: those at the smallest distance, if within a third of
 * the input's length (at least 1, at most 3 edits), and those starting with it. Nothing when the input is itself a candidate.
 */
export function suggest(input: string, candidates: string[], max = 3): string[] {
  const wanted = input.trim();
  if (wanted === '' || candidates.includes(wanted)) return [];
  // Only the case differs ("SOPHIA"): that one is the answer.
  const sameLetters = candidates.find((c) => c.toLowerCase() === wanted.toLowerCase());
  if (sameLetters) return [sameLetters];
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  const scored = [...new Set(candidates)].map((candidate) => ({
    candidate,
    distance: editDistance(wanted, candidate),
    prefix: wanted.length >= 3 && candidate.toLowerCase().startsWith(wanted.toLowerCase()),
  }));
  // The closest only: "lightning_v31" suggests lightning_v3.1, not also lightning-v2 two edits further.
  const best = Math.min(...scored.map((s) => s.distance));
  return scored
    .filter(({ distance, prefix }) => prefix || (distance <= limit && distance === best))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map(({ candidate }) => candidate);
}

/** " Did you mean x or y?" or "", to append to a message. */
export function didYouMean(input: string, candidates: string[], prefix = ''): string {
  const found = suggest(input, candidates).map((c) => `${prefix}${c}`);
  if (found.length === 0) return '';
  const list = found.length === 1 ? found[0] : `${found.slice(0, -1).join(', ')} or ${found.at(-1)}`;
  return ` Did you mean ${list}?`;
}

const LIST_VOICES = "a command lists the voices: smallest-tts voices, or say -v '?'";

/**
 * Flags people bring from other speech tools (macOS say, espeak-ng, edge-tts, piper) and what they
 * are called here: a flag name, or a sentence for what is not a flag.
 */
const FLAG_HABITS: Record<string, string> = {
  '--rate': '--speed', '-r': '--speed', '--speaking-rate': '--speed', '--length-scale': '--speed', '--length_scale': '--speed', '-s': '--speed',
  '--output': '-o', '--out': '-o', '--outfile': '-o', '--output-file': '-o', '--output_file': '-o', '--write-media': '-o', '-w': '-o',
  '--input': '-f', '--input-file': '-f', '--infile': '-f', '--input_file': '-f',
  '--lang': '--language', '--locale': '--language', '-l': '--language',
  '--speaker': '--voice', '--voice-id': '--voice', '--voice_id': '--voice', '--name': '--voice',
  '--key': '--api-key', '--apikey': '--api-key', '--token': '--api-key',
  '--url': '--base-url', '--endpoint': '--base-url', '--server': '--base-url',
  '--samplerate': '--sample-rate', '--sample_rate': '--sample-rate', '--sr': '--sample-rate',
  '--srt': '--subtitles', '--subtitle': '--subtitles', '--write-subtitles': '--subtitles', '--subs': '--subtitles',
  '--silent': '--quiet', '--debug': '--verbose', '--output-raw': '--raw', '--output_raw': '--raw',
  '--list-voices': LIST_VOICES, '--voices': LIST_VOICES, '--list': LIST_VOICES,
  '--list-languages': 'a command lists the languages: smallest-tts languages',
  '--text': 'the text is an argument: say "Hello there"',
  '--mp3': 'the extension names the format: -o out.mp3 (or --format mp3)',
  '--play': 'say plays through the speakers unless -o is given',
};

/**
 * What to say about an unknown flag: its name here by meaning first ("--rate" → "did you mean
 * --speed?"), else by spelling; `known` are the command's own flags, so only a flag it has is
 * offered. Null: no idea.
 */
export function suggestFlag(typed: string, known: string[]): string | null {
  const flag = typed.split('=')[0];
  const meant = FLAG_HABITS[flag] ?? FLAG_HABITS[flag.toLowerCase()];
  if (meant && !meant.startsWith('-')) return meant;
  if (meant && known.includes(meant)) return `did you mean ${meant}?`;
  if (meant === '-o' && known.includes('--out-dir')) return 'did you mean --out-dir?';
  const near = suggest(flag, known.filter((k) => k.startsWith('--')));
  return near.length ? `did you mean ${near.length === 1 ? near[0] : `${near.slice(0, -1).join(', ')} or ${near.at(-1)}`}?` : null;
}
