/**
 * SOL_TLS option state of one secure socket, with Zephyr's types, directions, defaults and
 * validation (sockets_tls.c): a read-only option on set, a write-only one on get, or an
 * unknown one gives ENOPROTOOPT. Credentials are checked when TLS_SEC_TAG_LIST is set.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import { CIPHERSUITES } from '../tls/ciphersuites.js';
import * as K from '../tls/credentials.js';
import { TlsSession, type TlsConfig, TlsError, MBEDTLS } from '../tls/index.js';
import { intOf, type Out } from './socket.js';

/** TLS_CERT_VERIFY_CALLBACK's value: cb(ctx, certDer, depth, flags) -> 0 to go on; it may
 *  change flags.value (mbedTLS's X509 flags). Non-zero fails the handshake (ECONNABORTED).
 *  A Promise of that number defers the answer; the handshake pauses until it settles. */
export interface TlsCertVerifyCb {
  cb: (ctx: unknown, cert: Uint8Array, depth: number, flags: { value: number }) => number | Promise<number>;
  ctx?: unknown;
}

/** The most key log text a socket keeps unread (TLS_KEYLOG): a few handshakes' lines. */
const KEYLOG_KEEP = 4096;
const NO_LINES = new Uint8Array(0);
const NO_NAMES: readonly string[] = Object.freeze([]);

/** The SOL_TLS options of one socket (set at any time; a session uses them when it starts). */
export class TlsOptions {
  secTags: number[] = [];
  hostname: string | null | undefined = undefined;
  ciphersuites: number[] | null = null;
  verify: number | null = null; // null: mbedTLS's default (client required, server none)
  dtlsRole = C.TLS_DTLS_ROLE_CLIENT;
  alpn: readonly string[] = NO_NAMES; // a set list replaces it
  dtlsTimeoutMin = 1000;
  dtlsTimeoutMax = 60000;
  certNocopy = C.TLS_CERT_NOCOPY_NONE;
  native = 0;
  sessionCache = C.TLS_SESSION_CACHE_DISABLED;
  dtlsCid = C.TLS_DTLS_CID_DISABLED;
  dtlsCidValue: Uint8Array | null = null;
  handshakeOnConnect = 1;
  verifyCb: TlsCertVerifyCb | null = null;
  keylog = C.TLS_KEYLOG_DISABLED;
  /** TLS_KEYLOG: the lines of this socket's sessions not yet read (getsockopt takes them). */
  private keylogLines = NO_LINES;

  /** A copy for an accepted child (Zephyr's tls_clone): the options, none of the key log. */
  clone(): TlsOptions {
    const o = Object.assign(new TlsOptions(), this);
    o.keylogLines = NO_LINES;
    o.secTags = [...this.secTags];
    o.alpn = this.alpn.length ? [...this.alpn] : NO_NAMES;
    o.ciphersuites = this.ciphersuites && [...this.ciphersuites];
    return o;
  }

  /** The engine configuration for a session in `role`, from the credentials of the tags. */
  engineConfig(role: 'client' | 'server', datagram: boolean): TlsConfig {
    const c: TlsConfig = { role, transport: datagram ? 'datagram' : 'stream', ca: [], certs: [] };
    for (const tag of this.secTags) {
      const creds = K.credentialsOf(tag);
      const get = (t: number) => creds.find((x) => x.type === t)?.data;
      for (const x of creds) if (x.type === K.TLS_CREDENTIAL_CA_CERTIFICATE) c.ca!.push(x.data);
      const cert = get(K.TLS_CREDENTIAL_PUBLIC_CERTIFICATE), key = get(K.TLS_CREDENTIAL_PRIVATE_KEY);
      if (cert && key) c.certs!.push({ cert, key });
      const psk = get(K.TLS_CREDENTIAL_PSK), id = get(K.TLS_CREDENTIAL_PSK_ID);
      if (psk && id) c.psk = { key: psk, identity: id };
    }
    // The core asks for fragments that fit its records by default (TlsConfig.maxFragmentLength).
    if (!config.NET_SOCKETS_TLS_SET_MAX_FRAGMENT_LENGTH) c.maxFragmentLength = 0;
    if (role === 'client') c.hostname = this.hostname;
    if (this.verify !== null) c.verify = (['none', 'optional', 'required'] as const)[this.verify];
    if (this.ciphersuites) c.ciphersuites = this.ciphersuites;
    if (this.alpn.length) c.alpn = this.alpn;
    if (datagram) c.dtlsTimeouts = { min: this.dtlsTimeoutMin, max: this.dtlsTimeoutMax };
    if (this.keylog) c.keylog = (lines) => this.keepKeylog(lines);
    const v = this.verifyCb;
    if (v) {
      c.verifyCallback = (cert, depth, flags) => {
        const f = { value: flags };
        const r = v.cb(v.ctx, cert, depth, f);
        // A Promise defers the answer (beyond Zephyr): the handshake waits for it, and
        // zsock_tls_get_error reports WANT_X509_LOOKUP meanwhile.
        if (typeof r === 'object' && r && typeof (r as Promise<number>).then === 'function') {
          return (r as Promise<number>).then((x) => (x !== 0 ? -1 : f.value));
        }
        return r !== 0 ? MBEDTLS.X509_CERT_VERIFY_FAILED : f.value;
      };
    }
    return c;
  }

  set(name: number, value: unknown): number {
    switch (name) {
      case C.TLS_SEC_TAG_LIST: return this.setSecTags(value);
      case C.TLS_HOSTNAME:
        if (value !== null && typeof value !== 'string') return -E.EINVAL;
        this.hostname = value as string | null;
        return 0;
      case C.TLS_CIPHERSUITE_LIST: {
        const ids = intArray(value);
        if (!ids || ids.length > config.NET_SOCKETS_TLS_MAX_CIPHERSUITES) return -E.EINVAL;
        this.ciphersuites = ids.length ? ids : null;
        return 0;
      }
      case C.TLS_PEER_VERIFY: return this.setEnum(value, [0, 1, 2], (v) => (this.verify = v));
      case C.TLS_DTLS_ROLE: return this.setEnum(value, [0, 1], (v) => (this.dtlsRole = v));
      case C.TLS_ALPN_LIST: {
        const names = Array.isArray(value) && value.every((n) => typeof n === 'string' && n.length > 0 && n.length < 256) ? value as string[] : null;
        if (!names || names.length > config.NET_SOCKETS_TLS_MAX_APP_PROTOCOLS) return -E.EINVAL;
        this.alpn = [...names];
        return 0;
      }
      case C.TLS_DTLS_HANDSHAKE_TIMEOUT_MIN: case C.TLS_DTLS_HANDSHAKE_TIMEOUT_MAX: {
        const v = intOf(value);
        if (v === null || v < 0 || v > 0xffffffff) return -E.EINVAL;
        if (name === C.TLS_DTLS_HANDSHAKE_TIMEOUT_MIN) this.dtlsTimeoutMin = v; else this.dtlsTimeoutMax = v;
        return 0;
      }
      case C.TLS_CERT_NOCOPY: return this.setEnum(value, [0, 1], (v) => (this.certNocopy = v));
      case C.TLS_NATIVE: { const v = intOf(value); if (v === null) return -E.EINVAL; this.native = v; return 0; }
      case C.TLS_SESSION_CACHE: return this.setEnum(value, [0, 1], (v) => (this.sessionCache = v));
      case C.TLS_SESSION_CACHE_PURGE: return 0; // done by the socket (it owns the caches)
      case C.TLS_DTLS_CID: return this.setEnum(value, [0, 1, 2], (v) => (this.dtlsCid = v));
      case C.TLS_DTLS_CID_VALUE:
        if (!(value instanceof Uint8Array) || value.length > 32) return -E.EINVAL;
        this.dtlsCidValue = value.slice();
        return 0;
      case C.TLS_DTLS_HANDSHAKE_ON_CONNECT: return this.setEnum(value, [0, 1], (v) => (this.handshakeOnConnect = v));
      case C.TLS_CERT_VERIFY_CALLBACK: {
        const v = value as TlsCertVerifyCb;
        if (!v || typeof v !== 'object' || typeof v.cb !== 'function') return -E.EINVAL;
        this.verifyCb = { cb: v.cb, ctx: v.ctx };
        return 0;
      }
      case C.TLS_KEYLOG: return this.setEnum(value, [0, 1], (v) => {
        this.keylog = v;
        if (!v) this.takeKeylog().fill(0);
      });
      default: return -E.ENOPROTOOPT; // read-only (USED, CID_STATUS, PEER_CID_VALUE, VERIFY_RESULT) or unknown
    }
  }

  /** Options readable without a session; the socket answers the session ones first. */
  get(name: number, out: Out<unknown>): number {
    switch (name) {
      case C.TLS_SEC_TAG_LIST: out.value = [...this.secTags]; return 0;
      case C.TLS_CIPHERSUITE_LIST: out.value = this.ciphersuites ? [...this.ciphersuites] : Object.values(CIPHERSUITES); return 0;
      case C.TLS_ALPN_LIST: out.value = [...this.alpn]; return 0;
      case C.TLS_DTLS_HANDSHAKE_TIMEOUT_MIN: out.value = this.dtlsTimeoutMin; return 0;
      case C.TLS_DTLS_HANDSHAKE_TIMEOUT_MAX: out.value = this.dtlsTimeoutMax; return 0;
      case C.TLS_SESSION_CACHE: out.value = this.sessionCache; return 0;
      case C.TLS_DTLS_CID_VALUE: out.value = this.dtlsCidValue?.slice() ?? new Uint8Array(0); return 0;
      case C.TLS_DTLS_HANDSHAKE_ON_CONNECT: out.value = this.handshakeOnConnect; return 0;
      case C.TLS_KEYLOG: out.value = this.takeKeylog(); return 0;
      default: return -E.ENOPROTOOPT; // write-only (HOSTNAME, PEER_VERIFY, DTLS_ROLE, ...) or unknown
    }
  }

  /** Keeps a session's key log lines for getsockopt, up to KEYLOG_KEEP bytes (later lines are
   *  dropped until the program reads); the copy it replaces is wiped. */
  private keepKeylog(lines: Uint8Array): void {
    const old = this.keylogLines;
    if (old.length + lines.length > KEYLOG_KEEP) return;
    const all = new Uint8Array(old.length + lines.length);
    all.set(old);
    all.set(lines, old.length);
    old.fill(0);
    this.keylogLines = all;
  }

  /** The key log lines kept so far; the caller owns them (and wipes them when done). */
  private takeKeylog(): Uint8Array {
    const lines = this.keylogLines;
    this.keylogLines = NO_LINES;
    return lines;
  }

  /** Wipes the key log lines not read (the socket is closing). */
  wipe(): void {
    this.takeKeylog().fill(0);
  }

  private setEnum(value: unknown, allowed: number[], apply: (v: number) => void): number {
    const v = intOf(value);
    if (v === null || !allowed.includes(v)) return -E.EINVAL;
    apply(v);
    return 0;
  }

  /** Zephyr's tls_check_credentials: every tag must hold credentials that parse; a PSK needs
   *  its PSK_ID on the same tag. */
  private setSecTags(value: unknown): number {
    const tags = intArray(value);
    if (!tags || tags.length > config.NET_SOCKETS_TLS_MAX_CREDENTIALS) return -E.EINVAL;
    for (const tag of tags) {
      const creds = K.credentialsOf(tag);
      if (creds.length === 0) return -E.ENOENT;
      const has = (t: number) => creds.some((c) => c.type === t);
      if (has(K.TLS_CREDENTIAL_PSK) !== has(K.TLS_CREDENTIAL_PSK_ID)) return -E.EINVAL;
    }
    const probe = Object.assign(new TlsOptions(), { secTags: tags });
    try {
      new TlsSession(probe.engineConfig('server', false)).free(); // parses every CA, cert and key
    } catch (e) {
      return e instanceof TlsError ? -e.errno : -E.EINVAL;
    }
    this.secTags = tags;
    return 0;
  }
}

function intArray(v: unknown): number[] | null {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x)) ? [...v] : null;
}
