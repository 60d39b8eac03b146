// Whether a word ends a sentence: final punctuation that is not an abbreviation ("Mr."), an initial ("J.") or a dotted acronym ("e.g.").

/** Words (lower case, without their final dot) whose dot does not end a sentence. */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'vs', 'cf', 'etc', 'inc', 'ltd', 'co', 'no', 'fig', 'approx',
  'dept', 'est', 'gen', 'gov', 'sen', 'rep', 'rev', 'hon', 'capt', 'lt', 'col', 'sgt', 'fr', 'messrs', 'mme', 'mlle',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);

const OPENERS = /^["'“‘(\[«]+/u;
const CLOSERS = /["'”’)\]»]+$/u;

/** True for "Dr", "e.g", "U.S", "J" (a word before its final dot): its dot does not end a sentence. */
export function isAbbreviation(wordBeforeDot: string): boolean {
  const word = wordBeforeDot.replace(OPENERS, '').toLowerCase();
  return ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word) || /^(\p{L}\.)+\p{L}$/u.test(word);
}

/** True when `word` (or text, by its last word) closes a sentence: it ends in . ! ? … (closing quotes may follow) and is no abbreviation. */
export function endsSentence(word: string): boolean {
  const last = word.trimEnd().split(/\s+/).pop() ?? '';
  const bare = last.replace(CLOSERS, '');
  if (!/[.!?…。！？]$/u.test(bare)) return false;
  if (!bare.endsWith('.') || bare.endsWith('..')) return true; // ! ? … and an ellipsis "..." end sentences
  return !isAbbreviation(bare.slice(0, -1));
}
