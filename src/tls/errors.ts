/**
 * The ONE place where mbedTLS error codes become errno values and readable reasons.
 *
 * The errno follows Zephyr's secure sockets (sockets_tls.c): a handshake that fails for any
 * reason but a timeout is ECONNABORTED, a timeout ETIMEDOUT, exhausted memory ENOMEM, bad
 * configuration input EINVAL. The reason says why, so a user need not decode hex.
 */
import { ECANCELED, ECONNABORTED, EINVAL, EIO, EMSGSIZE, ENOMEM, ENOTSUP, ETIMEDOUT } from '../errno.js';

/** mbedTLS codes the engine acts on itself (and the tests name). */
export const MBEDTLS = {
  WANT_READ: -0x6900,
  WANT_WRITE: -0x6880,
  TIMEOUT: -0x6800,
  HELLO_VERIFY_REQUIRED: -0x6a80,
  PEER_CLOSE_NOTIFY: -0x7880,
  RECEIVED_NEW_SESSION_TICKET: -0x7b00,
  CRYPTO_IN_PROGRESS: -0x7000,
  ASYNC_IN_PROGRESS: -0x6500,
  ALLOC_FAILED: -0x7f00,
  BAD_INPUT_DATA: -0x7100,
  BUFFER_TOO_SMALL: -0x6a00,
  FATAL_ALERT_MESSAGE: -0x7780,
  X509_CERT_VERIFY_FAILED: -0x2700,
  CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME: -0x5d80,
  CLIENT_RECONNECT: -0x6780,
  CONN_EOF: -0x7280,
  FEATURE_UNAVAILABLE: -0x7080,
} as const;

/** X.509 verification flags (MBEDTLS_X509_BADCERT_*), as TLS_CERT_VERIFY_RESULT reports them. */
export const X509_BADCERT = {
  EXPIRED: 0x01,
  REVOKED: 0x02,
  CN_MISMATCH: 0x04,
  NOT_TRUSTED: 0x08,
  MISSING: 0x40,
  SKIP_VERIFY: 0x80,
  OTHER: 0x100,
  FUTURE: 0x200,
  KEY_USAGE: 0x800,
  EXT_KEY_USAGE: 0x1000,
  BAD_MD: 0x4000,
  BAD_PK: 0x8000,
  BAD_KEY: 0x10000,
} as const;

const FLAG_TEXT: [number, string][] = [
  [X509_BADCERT.NOT_TRUSTED, 'unknown CA (not signed by a trusted CA)'],
  [X509_BADCERT.EXPIRED, 'certificate expired'],
  [X509_BADCERT.FUTURE, 'certificate not yet valid'],
  [X509_BADCERT.CN_MISMATCH, 'hostname mismatch'],
  [X509_BADCERT.REVOKED, 'certificate revoked'],
  [X509_BADCERT.MISSING, 'no certificate'],
  [X509_BADCERT.KEY_USAGE, 'key usage not allowed'],
  [X509_BADCERT.EXT_KEY_USAGE, 'extended key usage not allowed'],
  [X509_BADCERT.BAD_MD, 'hash algorithm not acceptable'],
  [X509_BADCERT.BAD_PK, 'public key algorithm not acceptable'],
  [X509_BADCERT.BAD_KEY, 'key too weak'],
  [X509_BADCERT.OTHER, 'rejected by the verify callback'],
];

/** mbedTLS's verify result before any verification ran (mbedtls_ssl_session_init's -1u). */
export const VERIFY_NOT_RUN = 0xffffffff;

/** Readable list of what the X.509 flags say, e.g. "certificate expired, hostname mismatch";
 *  VERIFY_NOT_RUN (-1u, all bits) reads as no verification, not as every reason at once. */
export function describeVerifyFlags(flags: number): string {
  if (flags >>> 0 === VERIFY_NOT_RUN) return 'no verification result (verification did not run)';
  const parts = FLAG_TEXT.filter(([bit]) => flags & bit).map(([, text]) => text);
  return parts.length ? parts.join(', ') : `flags 0x${flags.toString(16)}`;
}

type Row = [errno: number, reason: string];

/** High-level codes (the SSL, X.509, PK, PEM modules); errno and reason for each. */
const HIGH: Record<number, Row> = {
  [-0x7080]: [ECONNABORTED, 'feature unavailable'],
  [-0x7100]: [EINVAL, 'bad input data'],
  [-0x7180]: [ECONNABORTED, 'record MAC check failed (corrupt or forged record)'],
  [-0x7200]: [ECONNABORTED, 'invalid record'],
  [-0x7280]: [ECONNABORTED, 'connection closed mid-handshake'],
  [-0x7300]: [ECONNABORTED, 'decode error in a handshake message'],
  [-0x7480]: [ECONNABORTED, 'peer sent no client certificate'],
  [-0x7500]: [ECONNABORTED, 'unsupported extension'],
  [-0x7580]: [ECONNABORTED, 'no application protocol in common (ALPN)'],
  [-0x7600]: [EINVAL, 'private key required'],
  [-0x7680]: [EINVAL, 'CA chain required'],
  [-0x7700]: [ECONNABORTED, 'unexpected message (garbage or a message out of order)'],
  [-0x7780]: [ECONNABORTED, 'peer sent a fatal alert'],
  [-0x7800]: [ECONNABORTED, 'unrecognized server name (SNI)'],
  [-0x7880]: [ECONNABORTED, 'peer sent close_notify'],
  [-0x7a00]: [ECONNABORTED, 'bad certificate'],
  [-0x7e80]: [ECONNABORTED, 'session not in cache'],
  [-0x7f00]: [ENOMEM, 'TLS arena exhausted'],
  [-0x6e80]: [ECONNABORTED, 'protocol version mismatch'],
  [-0x6e00]: [ECONNABORTED, 'handshake failure (no common parameters)'],
  [-0x6d80]: [ECONNABORTED, 'session ticket expired'],
  [-0x6d00]: [ECONNABORTED, 'public key type mismatch'],
  [-0x6c80]: [ECONNABORTED, 'unknown PSK identity'],
  [-0x6c00]: [EIO, 'internal error'],
  [-0x6b80]: [ECONNABORTED, 'record counter wrapped'],
  [-0x6a00]: [EINVAL, 'buffer too small'],
  [-0x6800]: [ETIMEDOUT, 'handshake timed out'],
  [-0x6780]: [ECONNABORTED, 'client reconnected (DTLS)'],
  [-0x6700]: [ECONNABORTED, 'unexpected record'],
  [-0x6600]: [ECONNABORTED, 'illegal parameter in a handshake message'],
  [-0x6000]: [ECONNABORTED, 'unexpected connection ID'],
  [-0x5f00]: [ECONNABORTED, 'version mismatch'],
  [-0x5e80]: [EINVAL, 'invalid TLS configuration'],
  [-0x5d80]: [ECONNABORTED, 'certificate verification without a hostname (set TLS_HOSTNAME)'],
  [-0x2700]: [ECONNABORTED, 'certificate verification failed'],
  [-0x2780]: [EINVAL, 'certificate format unknown'],
  [-0x2880]: [ENOMEM, 'TLS arena exhausted (X.509)'],
  [-0x3f80]: [ENOMEM, 'TLS arena exhausted (PK)'],
  [-0x1180]: [ENOMEM, 'TLS arena exhausted (PEM)'],
  [-0x6180]: [ENOMEM, 'TLS arena exhausted (cipher)'],
  [-0x5180]: [ENOMEM, 'TLS arena exhausted (hash)'],
  [-0x4d80]: [ENOMEM, 'TLS arena exhausted (ECP)'],
};

/** Code ranges of whole modules whose failures are all "could not parse this input". */
const PARSE_RANGES: [lo: number, hi: number, what: string][] = [
  [0x2080, 0x2a7f, 'X.509 certificate'],
  [0x3880, 0x3fff, 'private key'],
  [0x1080, 0x14ff, 'PEM data'],
];

/** Low-level codes (crypto modules), added to a high-level code by mbedTLS. */
const LOW: Record<number, string> = {
  0x0010: 'bignum: out of memory', 0x006a: 'ASN.1: out of memory',
  0x0060: 'ASN.1: out of data', 0x0062: 'ASN.1: unexpected tag', 0x0064: 'ASN.1: invalid length',
  0x0066: 'ASN.1: length mismatch', 0x0068: 'ASN.1: invalid data',
  0x0012: 'GCM: authentication failed', 0x0056: 'ChaCha20-Poly1305: authentication failed',
  0x002c: 'base64: invalid character',
};

/** A TLS failure: the mbedTLS code, the errno a socket reports, and why. */
export class TlsError extends Error {
  constructor(
    readonly code: number,
    readonly errno: number,
    readonly reason: string,
    /** X.509 flags when certificate verification was involved (else 0). */
    readonly verifyFlags = 0,
  ) {
    super(`${reason} (mbedTLS -0x${(-code).toString(16).padStart(4, '0')}, errno ${errno})`);
    this.name = 'TlsError';
  }
}

/** Maps an mbedTLS code (negative) to a TlsError. `verifyFlags` refines certificate failures. */
export function tlsError(code: number, verifyFlags = 0): TlsError {
  const abs = -code;
  const high = -(abs & 0xff80);
  const low = abs & 0x7f;
  let row = HIGH[high];
  if (!row) {
    const range = PARSE_RANGES.find(([lo, hi]) => (abs & 0xff80) >= lo && (abs & 0xff80) <= hi);
    row = range ? [EINVAL, `cannot parse ${range[2]}`] : [ECONNABORTED, 'TLS error'];
  }
  if (high === 0 && low) row = [low === 0x10 ? ENOMEM : EIO, 'crypto failure'];
  let reason = row[1];
  if (low && LOW[low]) reason += `: ${LOW[low]}`;
  if (verifyFlags && (high === MBEDTLS.X509_CERT_VERIFY_FAILED || high === -0x7a00)) {
    reason += `: ${describeVerifyFlags(verifyFlags)}`;
  }
  const errno = low === 0x10 || low === 0x6a ? ENOMEM : row[0];
  return new TlsError(code, errno, reason, verifyFlags);
}

/** Errors the engine reports without an mbedTLS code. */
export const engineError = {
  notSetUp: () => new TlsError(MBEDTLS.BAD_INPUT_DATA, EINVAL, 'session used after free()'),
  tooLarge: (n: number, max: number) =>
    new TlsError(MBEDTLS.BAD_INPUT_DATA, EMSGSIZE, `datagram of ${n} bytes exceeds the record limit ${max}`),
  unsupported: (what: string) => new TlsError(MBEDTLS.BAD_INPUT_DATA, ENOTSUP, `${what} is not supported`),
};

/** How a TLS connection ended badly, as the socket layer sees it. */
export type TlsFailure =
  | { kind: 'engine'; error: TlsError }  // the engine's fatal outcome (an alert, bad data, a verify failure)
  | { kind: 'peer-closed' }              // close_notify or EOF before the handshake finished
  | { kind: 'transport'; errno: number } // the connection under TLS failed (reset, refused)
  | { kind: 'timeout' }                  // the handshake deadline passed
  | { kind: 'cancelled' };               // the application aborted the handshake

/**
 * THE errno of a TLS failure, for every surface that reports it: recv, send, connect, accept,
 * SO_ERROR, the SIOCTTLSCTL ioctl and completion ports. As Zephyr's sockets_tls.c: a
 * handshake that fails for any reason but its deadline is ECONNABORTED (a reset or FIN from
 * the peer during the handshake too), the deadline ETIMEDOUT; after the handshake a failed
 * connection keeps its own errno (ECONNRESET) and an engine failure is ECONNABORTED.
 */
export function failureErrno(f: TlsFailure, handshakeDone: boolean): number {
  switch (f.kind) {
    case 'timeout': return ETIMEDOUT;
    case 'cancelled': return ECANCELED;
    case 'transport': return handshakeDone ? f.errno : ECONNABORTED;
    case 'engine': return f.error.errno === ETIMEDOUT ? ETIMEDOUT : ECONNABORTED;
    default: return ECONNABORTED;
  }
}
