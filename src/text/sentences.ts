// Where sentences end: final punctuation that is not an abbreviation ("Mr."), an initial ("J."), a
// dotted acronym ("e.g."), a decimal ("3.14") or followed by a lower-case word ('"Really?" she asked').
// The one rule the chunker, the server's releases and subtitles all use.

/** Words (lower case, without their final dot) whose dot does not end a sentence. */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'vs', 'cf', 'etc', 'inc', 'ltd', 'co', 'no', 'fig', 'approx',
  'dept', 'est', 'gen', 'gov', 'sen', 'rep', 'rev', 'hon', 'capt', 'lt', 'col', 'sgt', 'fr', 'messrs', 'mme', 'mlle',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);

const OPENERS = /^["'“‘(\[«]+/u;
const CLOSERS = /["'”’)\]»」』）]+$/u;
/**
 * Final marks, then closing quotes or brackets (all in the BMP: no `u` flag, which would slow the
 * scan): Latin . ! ? …, the danda । and double danda ॥ (Hindi, Marathi, Bengali, Punjabi, Odia …),
 * the Urdu full stop ۔, the Arabic question mark ؟, the Armenian full stop ։, the Ethiopic full stop
 * ።, the Myanmar section mark ။, and the full-width and half-width CJK marks 。！？｡．
 */
const SENTENCE_MARK = /([.!?…।॥۔؟։።။。！？｡．]+)["'”’)\]»」』）]*/g;
const MARKS = '.!?…।॥۔؟։።။。！？｡．';
const CLOSING = '"\'”’)]»」』）';
/** Full-width marks end a sentence with no space after them (CJK text has none). */
const FULL_WIDTH_MARK = /[。！？｡．]/u;
const SPACE = /\s/;
const LOWER_CASE = /\p{Ll}/u;

/** True for "Dr", "e.g", "U.S", "J" (a word before its final dot): its dot does not end a sentence. */
function isAbbreviation(wordBeforeDot: string): boolean {
  const word = wordBeforeDot.replace(OPENERS, '').toLowerCase();
  return ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word) || /^(\p{L}\.)+\p{L}$/u.test(word);
}

/** True when `word` (or text, by its last word) closes a sentence: it ends in a final mark (closing quotes may follow) and is no abbreviation. */
export function endsSentence(word: string): boolean {
  const last = word.trimEnd().split(/\s+/).pop() ?? '';
  const bare = last.replace(CLOSERS, '');
  if (!MARKS.includes(bare.at(-1) ?? '')) return false;
  if (!bare.endsWith('.') || bare.endsWith('..')) return true; // ! ? … and an ellipsis "..." end sentences
  return !isAbbreviation(bare.slice(0, -1));
}

/** Whether a sentence may end just before `at`: after a full-width mark and its closing quotes. */
function afterFullWidthEnd(text: string, at: number): boolean {
  let k = at;
  while (k > 0 && CLOSING.includes(text[k - 1])) k--;
  return k > 0 && FULL_WIDTH_MARK.test(text[k - 1]);
}

/**
 * Whether the `.` at `dot` ends an abbreviation or an initial ("Dr.", "e.g.", "J."). Its word
 * starts after a space or a full-width sentence end: never before where a sentence may have
 * ended, so the answer is the same whether or not the text before was cut off already.
 */
function abbreviationAt(text: string, dot: number): boolean {
  let start = dot;
  while (start > 0 && !SPACE.test(text[start - 1]) && !afterFullWidthEnd(text, start)) start--;
  return isAbbreviation(text.slice(start, dot));
}

/**
 * What a sentence end with nothing after it but white space is. `waits` (text still arriving): not
 * an end yet, the next word decides ('"Really?" she' no, '"Really?" She' yes). `ends`: an end,
 * except a number's dot at the very end ("costs 3." may become 3.14).
 */
type AtTheTail = 'waits' | 'ends';

/**
 * Offsets just past each sentence end in `text` from `from` on (after closing quotes). A mark
 * counts when white space follows it (a full-width mark needs none) and the next word does not
 * start in lower case; a single dot also must not end an abbreviation or an initial.
 */
export function sentenceEnds(text: string, tail: AtTheTail = 'ends', from = 0): number[] {
  const ends: number[] = [];
  SENTENCE_MARK.lastIndex = from;
  for (let m = SENTENCE_MARK.exec(text); m; m = SENTENCE_MARK.exec(text)) {
    const end = m.index + m[0].length;
    if (end < text.length && !SPACE.test(text[end]) && !FULL_WIDTH_MARK.test(m[1].at(-1)!)) continue; // 3.14, e.g.x, U.S.A
    if (m[1].endsWith('．') && /[0-9０-９]/.test(text[end] ?? '')) continue; // ３．１４
    if (m[1] === '.' && abbreviationAt(text, m.index)) continue;
    let next = end;
    while (next < text.length && SPACE.test(text[next])) next++;
    if (next < text.length) {
      if (!LOWER_CASE.test(text[next])) ends.push(end);
    } else if (tail === 'ends' && !(m[1] === '.' && end === text.length && /\d/.test(text[m.index - 1] ?? ''))) {
      ends.push(end);
    }
  }
  return ends;
}

/**
 * Where a scan of `text` for sentence ends must start again once more text is appended: at a
 * mark (with its closing quotes) that only white space follows, since the next word decides it;
 * else at the trailing white space, which may still grow (into a paragraph break, say); else at
 * the end. Everything before is decided.
 */
export function undecidedFrom(text: string): number {
  let at = text.length;
  if (at > 0 && SPACE.test(text[at - 1])) at--;
  const space = at;
  while (at > 0 && CLOSING.includes(text[at - 1])) at--;
  const closers = at;
  while (at > 0 && MARKS.includes(text[at - 1])) at--;
  return at < closers ? at : space;
}
