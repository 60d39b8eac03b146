// The one redaction of secrets, and the edge where it is applied: every string that leaves through
// stdout or stderr (messages, --json, batch reports and summaries, --verbose logs) passes through it.

const secrets = new Set<string>();

/** Registers a value (the API key) that must never be printed; its JSON and URL spellings too. */
export function addSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  secrets.add(value);
  secrets.add(JSON.stringify(value).slice(1, -1)); // as it appears inside a JSON string
  secrets.add(encodeURIComponent(value));
}

/**
 * `Bearer <token>` in any spelling (any case; after a space, a colon, `=`, `%20` or `+`; quoted
 * or not), whoever's token it is. The token must look like one (6+ characters with a digit or
 * one of `-_.~+/=`), so the plain words "bearer bonds" stay.
 */
const BEARER = /(bearer)((?:\s|%20|\+|:|=|\\?["'])+)((?=[A-Za-z0-9._~+/=-]{0,512}[0-9._~+/=-])[A-Za-z0-9._~+/=-]{6,})/gi;

/** `text` with every registered secret and every bearer token replaced by `***`. */
export function redact(text: string): string {
  let out = text;
  // Longest first: a secret that contains another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out.replace(BEARER, '$1$2***');
}

let guarded = false;

/** Every string written to `stream` passes through `redact`; binary writes (audio) pass untouched. */
function redactWrites(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? redact(chunk) : chunk, ...rest)) as typeof stream.write;
}

/**
 * Routes every string written to stdout and stderr through `redact`, once per process. This is the
 * edge: no output channel can forget the redaction. Node creates each stream on first use, and
 * creating stderr as a pipe costs a few milliseconds that a run which never writes there (`--help`)
 * need not pay: a stream not created yet is wrapped when it is.
 */
export function redactOutput(): void {
  if (guarded) return;
  guarded = true;
  for (const name of ['stdout', 'stderr'] as const) {
    const created = Object.getOwnPropertyDescriptor(process, name);
    const create = created?.get;
    if (!create || !created.configurable) {
      redactWrites(process[name]);
      continue;
    }
    let stream: NodeJS.WriteStream | undefined;
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: created.enumerable,
      get() {
        if (!stream) {
          stream = create.call(process) as NodeJS.WriteStream;
          redactWrites(stream);
        }
        return stream;
      },
    });
  }
}
