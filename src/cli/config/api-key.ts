// The API key's shape, checked before anything connects: it travels in an HTTP header, where a
// line break or another control character would make the socket library throw.
import { UsageError } from '../../core/errors.js';

const WHERE = 'Check SMALLEST_API_KEY, --api-key or `smallest-tts config get api-key`; copy the key again without it.';

/** The key trimmed, or a UsageError naming the problem (never the key). */
export function checkApiKey(raw: string): string {
  const key = raw.trim();
  if (/[\r\n]/.test(key)) throw new UsageError('The API key contains a line break.', WHERE);
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new UsageError('The API key contains a control character.', WHERE);
  if (/[^\u0020-\u007e]/.test(key)) throw new UsageError('The API key contains characters that cannot be sent in an HTTP header (only printable ASCII can).', WHERE);
  return key;
}
