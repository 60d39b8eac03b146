// Why a connection could not be made, from the system's error codes, in plain words (no flag names:
// what to do about it is the CLI's business).

export type NetworkFailureKind = 'dns' | 'refused' | 'tls' | 'timeout' | 'unreachable' | 'reset';

interface NetworkFailure {
  kind: NetworkFailureKind;
  /** The system's code (ENOTFOUND, ECONNREFUSED, CERT_HAS_EXPIRED…), when there is one. */
  code?: string;
}

const KINDS: Record<string, NetworkFailureKind> = {
  ENOTFOUND: 'dns', EAI_AGAIN: 'dns', EAI_NONAME: 'dns', EAI_FAIL: 'dns', ENODATA: 'dns',
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout', UND_ERR_CONNECT_TIMEOUT: 'timeout', UND_ERR_HEADERS_TIMEOUT: 'timeout',
  ENETUNREACH: 'unreachable', EHOSTUNREACH: 'unreachable', ENETDOWN: 'unreachable', EHOSTDOWN: 'unreachable',
  ECONNRESET: 'reset', EPIPE: 'reset', UND_ERR_SOCKET: 'reset',
};

/** TLS codes: OpenSSL's (ERR_SSL_…), Node's (ERR_TLS_…), and certificate checks. */
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(GET_ISSUER_CERT|VERIFY_LEAF_SIGNATURE))/;

/** The errors inside an error: its cause chain and an AggregateError's members (fetch and happy eyeballs nest them). */
function* nested(error: unknown, depth = 0): Generator<unknown> {
  if (error === null || error === undefined || depth > 6) return;
  yield error;
  const e = error as { cause?: unknown; errors?: unknown };
  if (Array.isArray(e.errors)) for (const member of e.errors) yield* nested(member, depth + 1);
  yield* nested(e.cause, depth + 1);
}

/** The first network failure found in an error or anything it wraps; null when none is recognised. */
export function networkFailure(error: unknown): NetworkFailure | null {
  for (const e of nested(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (KINDS[code]) return { kind: KINDS[code], code };
      if (TLS_CODE.test(code)) return { kind: 'tls', code };
    }
    // ws's handshake timer carries no code.
    if (e instanceof Error && (e.name === 'TimeoutError' || /handshake has timed out/i.test(e.message))) return { kind: 'timeout' };
  }
  return null;
}

/** What went wrong, in words, for "Could not connect to HOST: …". */
export function describeNetworkFailure(failure: NetworkFailure, host: string): string {
  const code = failure.code ? ` (${failure.code})` : '';
  const hostname = host.replace(/:\d+$/, '');
  switch (failure.kind) {
    case 'dns':
      return failure.code === 'EAI_AGAIN'
        ? `the name ${hostname} could not be looked up: no answer from DNS, as when there is no network${code}`
        : `the name ${hostname} was not found: DNS does not know it, or there is no network${code}`;
    case 'refused':
      return `nothing accepted the connection there: no server is listening on that port${code}`;
    case 'tls':
      return failure.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || failure.code === 'EPROTO'
        ? `the secure (TLS) connection failed: the server does not speak TLS there${code}`
        : `the secure (TLS) connection failed: the server's certificate was not accepted${code}`;
    case 'timeout':
      return `no answer in time: the network or a firewall may be dropping the connection${code}`;
    case 'unreachable':
      return `the network cannot reach it${code}`;
    case 'reset':
      return `the connection was cut before the server answered${code}`;
  }
}
