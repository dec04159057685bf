/**
 * What a TlsSession can be configured with, and how it is applied to a core context.
 * Secrets pass through wasm scratch memory, which is wiped right after use.
 */
import type { Core } from './wasm.js';
import { ZS } from './abi.js';
import { MBEDTLS, TlsError, engineError, tlsError } from './errors.js';
import { EINVAL } from '../errno.js';
import { utf8Encode } from '../utf8.js';
import { withSharedCred, type CredParts } from './cred_cache.js';

/** Protocol versions as on the wire, for TlsConfig's minVersion/maxVersion: TLS1_2 (also
 *  DTLS 1.2, the only DTLS version) and TLS1_3; any other is EINVAL. */
export const TLS1_2 = 0x0303, TLS1_3 = 0x0304;
/** A protocol version number: TLS1_2 (0x0303, also DTLS 1.2) or TLS1_3 (0x0304). */
export type TlsVersion = number;

/** Peer verification, as TLS_PEER_VERIFY: none 0, optional 1, required 2. */
export type VerifyMode = 'none' | 'optional' | 'required';

/** A TlsSession's configuration (what the SOL_TLS options of a socket become). Anything the
 *  engine cannot use (a certificate or key that does not parse, a value out of range) makes the
 *  TlsSession constructor throw a TlsError with errno EINVAL; no memory left, ENOMEM. */
export interface TlsConfig {
  /** Which side of the handshake the session takes. */
  role: 'client' | 'server';
  /** TLS over a stream (the default), or DTLS over datagrams. */
  transport?: 'stream' | 'datagram';
  /** Lowest version offered or accepted (default TLS1_2); a ciphersuite list of only TLS 1.3
   *  suites raises it to TLS1_3. */
  minVersion?: TlsVersion;
  /** Highest version (default TLS1_3, DTLS: TLS1_2; DTLS 1.3 is ENOTSUP); a list of only
   *  TLS 1.2 suites lowers it to TLS1_2. Below minVersion: EINVAL. */
  maxVersion?: TlsVersion;
  /** Trusted CA certificates, DER or PEM (a PEM buffer may hold several). */
  ca?: Uint8Array[];
  /** Own certificate chains with their private keys (DER or PEM); at most two (e.g. RSA + EC). */
  certs?: { cert: Uint8Array; key: Uint8Array }[];
  /** A pre-shared key and the identity it goes by (TLS_CREDENTIAL_PSK and PSK_ID). */
  psk?: { key: Uint8Array; identity: Uint8Array };
  /** Client: SNI and the name the server's certificate must carry. `null` disables the name
   *  check; left undefined, verification fails (mbedTLS and Zephyr refuse to verify blind). */
  hostname?: string | null;
  /** Default: required for clients, none for servers (mbedTLS's defaults, as Zephyr). */
  verify?: VerifyMode;
  /** IANA ciphersuite ids in order of preference; default: all that the core has. */
  ciphersuites?: number[];
  /** Key-exchange groups, IANA NamedGroup ids in order of preference (23 P-256, 24 P-384,
   *  29 x25519); default: mbedTLS's list. */
  groups?: number[];
  /** ALPN protocol names in order of preference: 1..8 names of 1..255 bytes, else EINVAL. */
  alpn?: readonly string[];
  /** DTLS handshake retransmission timeouts in ms (default 1000 / 60000). */
  dtlsTimeouts?: { min: number; max: number };
  /** RFC 6066 max_fragment_length the client asks for: 512, 1024, 2048 or 4096, or 0 for none.
   *  Default: with a core whose records carry less than 16 KB (the embedded profile), the largest
   *  that fits them, in every hello that offers (D)TLS 1.2; none with 16 KB records. */
  maxFragmentLength?: 0 | 512 | 1024 | 2048 | 4096;
  /** Client: ask for session tickets (default true). */
  sessionTickets?: boolean;
  /** Server: shared ticket keys / cache / cookies (TlsServerState.handle) and which to use. */
  serverState?: { handle: number; tickets?: boolean; cache?: boolean; cookies?: boolean };
  /** DTLS server: the client's transport address (bound into the HelloVerify cookie). */
  transportId?: Uint8Array;
  /** Client: a session from saveSession() to resume. */
  session?: Uint8Array;
  /** DTLS connection ID to offer (RFC 9146); an empty array asks the peer for one only. */
  cid?: Uint8Array;
  /** Allow TLS 1.2 renegotiation (default off; AT-TLS's RESET_CIPHER uses it). */
  renegotiation?: boolean;
  /** Called for each certificate of the peer's chain, leaf at depth 0, with mbedTLS's flags.
   *  Return new flags (0 accepts), nothing to keep them, or a negative number to abort. */
  verifyCallback?: (cert: Uint8Array, depth: number, flags: number) => number | void | Promise<number>;
  /** TLS key log: called with the session's NSS key log lines (SSLKEYLOGFILE's format: text,
   *  one secret per line) as the handshake derives them. The bytes are wiped when it returns:
   *  copy what you keep. Beside the platform's own key log (SSLKEYLOGFILE on the host). */
  keylog?: (lines: Uint8Array) => void;
}

const VERIFY: Record<VerifyMode, number> = { none: 0, optional: 1, required: 2 };
const MFL: Record<number, number> = { 0: 0, 512: 1, 1024: 2, 2048: 3, 4096: 4 };

function invalid(reason: string): TlsError {
  return new TlsError(MBEDTLS.BAD_INPUT_DATA, EINVAL, reason);
}

/** Throws the mapped TlsError when an mbedTLS call failed. */
function ok(ret: number, what: string): void {
  if (ret < 0) {
    const e = tlsError(ret);
    throw new TlsError(e.code, e.errno, `${what}: ${e.reason}`);
  }
}

const PEM_MARK = utf8Encode('-----BEGIN');

function isPem(b: Uint8Array): boolean {
  outer: for (let i = 0; i + PEM_MARK.length <= b.length && i < 512; i++) {
    for (let j = 0; j < PEM_MARK.length; j++) if (b[i + j] !== PEM_MARK[j]) continue outer;
    return true;
  }
  return false;
}

/** Copies byte strings into scratch memory, calls fn with [ptr, len] pairs, then wipes the
 *  scratch area. With `pem` (certificates and keys), a PEM buffer gets the NUL mbedTLS
 *  requires; anything else (a PSK, its identity, a session) goes as it is, whatever it holds. */
function withBytes(core: Core, parts: Uint8Array[], fn: (...ptrLen: number[]) => number, pem = false): number {
  const sizes = parts.map((p) => p.length + (pem && isPem(p) && p[p.length - 1] !== 0 ? 1 : 0));
  const total = sizes.reduce((a, b) => a + b, 0);
  const base = core.scratch(total + 1);
  const u8 = core.u8;
  const args: number[] = [];
  let at = base;
  parts.forEach((p, i) => {
    u8.set(p, at);
    if (sizes[i] > p.length) u8[at + p.length] = 0;
    args.push(at, sizes[i]);
    at += sizes[i];
  });
  try {
    return fn(...args);
  } finally {
    core.u8.fill(0, base, base + total);
  }
}

/** TLS 1.3 suites are 0x1301..0x1305 (RFC 8446 B.4). */
const isTls13Suite = (id: number) => id >= 0x1301 && id <= 0x1305;

/** The [min, max] versions a session configured with `c` offers or accepts. Throws TlsError:
 *  EINVAL for a version that is not TLS1_2 or TLS1_3 or an empty range, ENOTSUP for DTLS 1.3. */
export function versionRange(c: TlsConfig): [TlsVersion, TlsVersion] {
  const datagram = c.transport === 'datagram';
  let min = c.minVersion ?? TLS1_2;
  let max = c.maxVersion ?? (datagram ? TLS1_2 : TLS1_3);
  // A suite list implies the versions: mbedTLS would offer TLS 1.3 without a 1.3 suite and
  // then fail, so a list of TLS 1.2 suites means TLS 1.2 (and of 1.3 suites, TLS 1.3).
  const suites = c.ciphersuites;
  if (suites?.length && suites.every((id) => !isTls13Suite(id))) max = Math.min(max, TLS1_2);
  if (suites?.length && suites.every(isTls13Suite)) min = Math.max(min, TLS1_3);
  for (const v of [min, max]) {
    if (v !== TLS1_2 && v !== TLS1_3) throw new TlsError(MBEDTLS.BAD_INPUT_DATA, EINVAL, `TLS version 0x${Number(v).toString(16)}`);
  }
  if (min > max) throw new TlsError(MBEDTLS.BAD_INPUT_DATA, EINVAL, 'minVersion above maxVersion (or ciphersuites outside the versions)');
  if (datagram && max === TLS1_3) throw engineError.unsupported('DTLS 1.3');
  return [min, max];
}

/** Configures context `ctx` from `c` and sets it up; throws TlsError (EINVAL / ENOMEM). */
export function applyConfig(core: Core, ctx: number, c: TlsConfig): void {
  const x = core.x;
  if ((c.certs?.length ?? 0) > 2) throw invalid('at most two own certificates');
  const parts = { ca: c.ca ?? [], certs: c.certs ?? [] };
  if (parts.ca.length || parts.certs.length) {
    withSharedCred(core, parts, (p) => buildCred(core, p), (h) => ok(x.zs_conf_cred(ctx, h), 'credentials'));
  }
  if (c.psk) {
    const { key, identity } = c.psk;
    ok(withBytes(core, [key, identity], (kp, kn, ip, inn) => x.zs_conf_psk(ctx, kp, kn, ip, inn)), 'PSK');
  }
  if (c.verify !== undefined) {
    if (!(c.verify in VERIFY)) throw invalid(`verify mode ${String(c.verify)}`);
    x.zs_conf_authmode(ctx, VERIFY[c.verify]);
  }
  if (c.ciphersuites) setCiphersuites(core, ctx, c.ciphersuites);
  if (c.groups) setGroups(core, ctx, c.groups);
  if (c.alpn) setAlpn(core, ctx, c.alpn);
  if (c.dtlsTimeouts) {
    const { min, max } = c.dtlsTimeouts;
    if (!(min > 0 && max >= min)) throw invalid('DTLS timeouts need 0 < min <= max');
    x.zs_conf_dtls_timeouts(ctx, min, max);
  }
  if (c.maxFragmentLength !== undefined) {
    const code = MFL[c.maxFragmentLength];
    if (typeof code !== 'number') throw invalid(`max fragment length ${c.maxFragmentLength}`);
    ok(x.zs_conf_max_frag_len(ctx, code), 'max fragment length');
  }
  if (c.role === 'client') x.zs_conf_tickets(ctx, c.sessionTickets === false ? 0 : 1);
  if (c.serverState) {
    const s = c.serverState;
    ok(x.zs_conf_server(ctx, s.handle, (s.tickets ? ZS.SRV_TICKETS : 0) | (s.cache ? ZS.SRV_CACHE : 0) | (s.cookies ? ZS.SRV_COOKIES : 0)), 'server state');
  }
  if (c.verifyCallback) x.zs_conf_verify_cb(ctx, 1);
  if (c.renegotiation) x.zs_conf_renegotiation(ctx, 1);
  if (c.cid) ok(x.zs_conf_cid_len(ctx, c.cid.length), 'connection ID');

  ok(x.zs_setup(ctx), 'setup');

  if (c.role === 'client' && c.hostname !== undefined) {
    if (c.hostname === null) ok(x.zs_set_hostname(ctx, 0), 'hostname');
    else ok(withBytes(core, [utf8Encode(c.hostname + '\0')], (p) => x.zs_set_hostname(ctx, p)), 'hostname');
  }
  if (c.transportId) ok(withBytes(core, [c.transportId], (p, n) => x.zs_set_transport_id(ctx, p, n)), 'transport id');
  if (c.cid) ok(withBytes(core, [c.cid], (p, n) => x.zs_set_cid(ctx, 1, p, n)), 'connection ID');
  if (c.session) ok(withBytes(core, [c.session], (p, n) => x.zs_session_load(ctx, p, n)), 'session');
}

/** A new parsed credential set in the core (the caller's reference); throws TlsError. */
function buildCred(core: Core, parts: CredParts): number {
  const x = core.x;
  const h = x.zs_cred_new();
  if (!h) throw tlsError(MBEDTLS.ALLOC_FAILED);
  try {
    for (const ca of parts.ca) ok(withBytes(core, [ca], (p, n) => x.zs_cred_add_ca(h, p, n), true), 'CA certificate');
    for (const { cert, key } of parts.certs) {
      ok(withBytes(core, [cert, key], (cp, cn, kp, kn) => x.zs_cred_add_own(h, cp, cn, kp, kn), true), 'own certificate');
    }
  } catch (e) {
    x.zs_cred_free(h);
    throw e;
  }
  return h;
}

function setCiphersuites(core: Core, ctx: number, ids: number[]): void {
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id <= 0 || id > 0xffff)) {
    throw invalid('ciphersuites must be IANA ids (1..0xffff)');
  }
  const p = core.scratch(4 * ids.length);
  ids.forEach((id, i) => core.dv.setInt32(p + 4 * i, id, true));
  ok(core.x.zs_conf_ciphersuites(ctx, p, ids.length), 'ciphersuites');
}

const GROUPS = [23, 24, 29]; // what the core has: secp256r1, secp384r1, x25519

function setGroups(core: Core, ctx: number, ids: number[]): void {
  if (ids.length === 0 || ids.some((id) => !GROUPS.includes(id))) throw invalid(`groups must be among ${GROUPS.join(', ')}`);
  const p = core.scratch(4 * ids.length);
  ids.forEach((id, i) => core.dv.setInt32(p + 4 * i, id, true));
  ok(core.x.zs_conf_groups(ctx, p, ids.length), 'groups');
}

function setAlpn(core: Core, ctx: number, names: readonly string[]): void {
  if (names.length === 0 || names.length > 8 || names.some((n) => n.length === 0 || n.length > 255 || n.includes('\0'))) {
    throw invalid('ALPN: 1..8 names of 1..255 bytes');
  }
  const bytes = utf8Encode(names.join('\0') + '\0');
  ok(withBytes(core, [bytes], (p, n) => core.x.zs_conf_alpn(ctx, p, n)), 'ALPN');
}
