// Realistic English prose for chunking tests and benchmarks: capitals, abbreviations (Mr., Dr.,
// a.m., etc.), numbers with points, quotes, questions, wrapped lines and paragraphs. Seeded.

const SENTENCES = [
  'Mr. Smith arrived at 9.30 a.m. on Monday, carrying a parcel for Dr. Jones.',
  'The committee approved 4.5 million dollars for the bridge, which pleased everyone.',
  'Was it raining?',
  'Nobody could say for sure!',
  '"We will leave at dawn," said Mrs. Patel, "whatever the weather does."',
  'Prices rose by 3.2% in March, e.g. bread, milk, eggs etc. and most fresh fruit.',
  'St. Mary\'s Church, built in 1742, stands at the corner of Elm St. and Oak Ave.',
  'He read chapters 1 through 12 of the report; the rest could wait until Friday.',
  'Prof. Lee asked whether the U.S. delegation had landed yet.',
  'It was late.',
  'After a long pause, the old man smiled, folded the letter twice, put it back into the envelope, and walked slowly towards the window, where the evening light was fading over the harbour and the fishing boats were coming home one by one.',
  'The results (see Table 2) were clear: 17 of the 20 samples passed.',
  'Ms. García, the new director, starts on 1 July.',
];

/** A pseudo-random generator (mulberry32): the same seed gives the same text. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** About `chars` characters of prose: sentences, wrapped lines (\n, sometimes \r\n), blank lines between paragraphs. */
export function prose(chars: number, seed = 1): string {
  const next = random(seed);
  const parts: string[] = [];
  let size = 0;
  while (size < chars) {
    let sentence = SENTENCES[Math.floor(next() * SENTENCES.length)];
    if (next() < 0.15) {
      // a line wrapped mid-sentence
      const at = sentence.indexOf(' ', Math.floor(next() * sentence.length));
      if (at > 0) sentence = `${sentence.slice(0, at)}\n${sentence.slice(at + 1)}`;
    }
    const r = next();
    const gap = r < 0.08 ? '\n\n' : r < 0.2 ? '\n' : r < 0.23 ? '\r\n' : r < 0.27 ? '  ' : ' ';
    parts.push(sentence, gap);
    size += sentence.length + gap.length;
  }
  return parts.join('');
}
