// Text from a server or a file, made safe for a terminal: no control characters or escape
// sequences (which could move the cursor, retitle the window or hide text), no secrets, and bounded in length.
import { redact } from '../secrets.js';

/** ANSI/VT escape sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ST), and two-byte escapes; also 8-bit CSI. */
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
/** C0 and C1 controls and DEL, except tab and line feed; also bidirectional overrides, which reorder what is shown. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `s` with escape sequences and control characters removed (line feeds kept, tabs as spaces, a
 * carriage return as a line feed), then secrets redacted (so a key split by escapes is still
 * found, and never cut in half by the limit), cut to `maxLength` characters with an ellipsis.
 */
export function safeText(s: string, maxLength = 500): string {
  let out = redact(
    String(s)
      .replace(ESCAPES, '')
      .replace(/\r\n?/g, '\n')
      .replace(/\t/g, ' ')
      .replace(CONTROLS, ''),
  );
  if (out.length > maxLength) {
    let cut = Math.max(0, maxLength - 1);
    const code = out.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep a surrogate pair whole
    out = `${out.slice(0, cut)}…`;
  }
  return out;
}

/** safeText on one line: line breaks (and a lone carriage return) become spaces (a voice name, a status line, an error). */
export function safeLine(s: string, maxLength = 200): string {
  return safeText(String(s).replace(/[\r\n\u2028\u2029\u0085]+/g, ' '), maxLength);
}
