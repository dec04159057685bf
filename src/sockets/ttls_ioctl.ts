/**
 * zsock_ioctl(fd, SIOCTTLSCTL, request): query and control TLS on a TCP connection, after
 * z/OS AT-TLS. Every row of its Table 1 (docs/ttls.md): the errno, the reason code (set in
 * `request.reason` on every return), and whether the query fields are filled ("Yes": filled
 * even on error; "No": left as they were).
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import type { Sock } from './socket.js';
import { TcpSock } from './tcp.js';
import * as T from './ttls.js';
import { handshakeDone } from './tls_io.js';
import type { Mapping } from './ttls.js';
import type { TlsLayer } from './tls_layer.js';
import { utf8Encode } from '../utf8.js';

/** The request block (TTLS_IOCTL). Inputs: version, requestType, certBuffer, outBuffer.
 *  Outputs: reason always; the query fields per the valid-data rule. */
export interface TtlsIoctl {
  version: number;
  requestType: number;
  /** RETURN_CERTIFICATE: receives the peer's certificate (DER). */
  certBuffer?: Uint8Array | null;
  /** Version 2 with QUERY_ONLY: receives TTLS_ATTR_* records. */
  outBuffer?: Uint8Array | null;
  reason?: number;
  policyStatus?: number;
  connStatus?: number;
  secType?: number;
  /** 0x0303 TLS 1.2, 0x0304 TLS 1.3; 0 when not secure. */
  protocol?: number;
  /** The negotiated ciphersuite (IANA id). */
  cipher?: number;
  /** The key-exchange group (IANA NamedGroup). */
  keyShare?: number;
  /** Length of the peer's certificate (DER); 0 if none. */
  certLen?: number;
  /** Version 2: bytes of outBuffer used, and bytes all records need. */
  outLen?: number;
  outNeeded?: number;
}

const ACTIONS = C.TTLS_INIT_CONNECTION | C.TTLS_RESET_SESSION | C.TTLS_RESET_CIPHER | C.TTLS_STOP_CONNECTION
  | C.TTLS_RESET_WRITE_CIPHER | C.TTLS_SEND_SESSION_TICKET;
const ALL = ACTIONS | C.TTLS_QUERY_ONLY | C.TTLS_ALLOW_HSTIMEOUT | C.TTLS_RETURN_CERTIFICATE;
const NEEDS_LIVE = C.TTLS_INIT_CONNECTION | C.TTLS_RESET_CIPHER | C.TTLS_STOP_CONNECTION
  | C.TTLS_RESET_WRITE_CIPHER | C.TTLS_SEND_SESSION_TICKET;
const NEEDS_SECURE = C.TTLS_RESET_SESSION | C.TTLS_RESET_CIPHER | C.TTLS_RESET_WRITE_CIPHER | C.TTLS_SEND_SESSION_TICKET;

/** An error whose row says the query fields are not valid ("No"): only the reason is set. */
function bare(req: TtlsIoctl, errno: number, jr: number): number {
  req.reason = jr;
  return -errno;
}

/** A plain TCP socket (policy-secured or not); null for any other socket, a TLS socket too
 *  (its TLS is its own, not the policy's). */
const tcpOf = (s: Sock): TcpSock | null => (s instanceof TcpSock && !s.secure ? s : null);

/** The policy's layer when it carries data (not stopping, not failed). */
const secureLayer = (tcp: TcpSock): TlsLayer | null => (tcp.layer?.state === 'open' ? tcp.layer : null);

const isBuf = (b: unknown) => b === undefined || b === null || b instanceof Uint8Array;

/** Checks the request block itself (rows that need no connection). null when it is fine. */
function checkRequest(req: TtlsIoctl): number | null {
  // "Length of input data is not length of ioctl structure": a block of the wrong shape.
  if (!Number.isInteger(req.version) || !Number.isInteger(req.requestType) || !isBuf(req.certBuffer) || !isBuf(req.outBuffer)) {
    return bare(req, E.EINVAL, C.TTLS_JR_SOCKET_CALL_PARM_ERROR);
  }
  if (req.version !== C.TTLS_VERSION1 && req.version !== C.TTLS_VERSION2) return bare(req, E.EINVAL, C.TTLS_JR_INVALID_VERSION);
  const t = req.requestType;
  if (t === 0 || (t & ~ALL) !== 0 || ((t & C.TTLS_QUERY_ONLY) && (t & ACTIONS))) {
    return bare(req, E.EINVAL, C.TTLS_JR_SOCKET_CALL_PARM_ERROR);
  }
  const cert = req.certBuffer;
  if ((t & C.TTLS_RETURN_CERTIFICATE) && !cert?.length) return bare(req, E.EINVAL, C.TTLS_JR_SOCKET_CALL_PARM_ERROR);
  if (!(t & C.TTLS_RETURN_CERTIFICATE) && cert && req.version === C.TTLS_VERSION1) return bare(req, E.EINVAL, C.TTLS_JR_SOCKET_CALL_PARM_ERROR);
  const has = (f: number) => (t & f) !== 0;
  const denied = (has(C.TTLS_INIT_CONNECTION) && has(C.TTLS_RESET_SESSION | C.TTLS_RESET_CIPHER | C.TTLS_STOP_CONNECTION))
    || (has(C.TTLS_STOP_CONNECTION) && has(C.TTLS_RESET_SESSION | C.TTLS_RESET_CIPHER))
    || (has(C.TTLS_ALLOW_HSTIMEOUT) && !has(C.TTLS_INIT_CONNECTION))
    // RESET_WRITE_CIPHER and SEND_SESSION_TICKET each go alone (with RETURN_CERTIFICATE at most)
    || (has(C.TTLS_RESET_WRITE_CIPHER | C.TTLS_SEND_SESSION_TICKET) && (t & ACTIONS & (t & ACTIONS) - 1) !== 0);
  return denied ? bare(req, E.EPERM, C.TTLS_JR_SOCKET_CALL_PARM_ERROR) : null;
}

/** Fills the query fields (the "Yes" rows). */
function fill(req: TtlsIoctl, m: Mapping, tcp: TcpSock): void {
  const L = tcp.layer;
  const e = L?.engine;
  const secureNow = L?.state === 'open';
  req.policyStatus = m.policyStatus;
  req.connStatus = L?.state === 'handshaking' ? C.TTLS_CONN_HS_INPROGRESS : secureNow ? C.TTLS_CONN_SECURE : C.TTLS_CONN_NOTSECURE;
  req.secType = !m.rule ? C.TTLS_SEC_UNKNOWN
    : ({ client: C.TTLS_SEC_CLIENT, server: C.TTLS_SEC_SERVER, 'server-with-client-auth': C.TTLS_SEC_SERVER_CA })[m.rule.role];
  req.protocol = secureNow && e ? e.version : 0;
  req.cipher = secureNow && e ? e.ciphersuite : 0;
  req.keyShare = secureNow && e ? e.group : 0;
  req.certLen = secureNow && e ? e.peerCertificate?.length ?? 0 : 0;
}

/** Version 2 QUERY_ONLY records into outBuffer; false when some did not fit. */
function attributes(req: TtlsIoctl, tcp: TcpSock): boolean {
  const out = req.outBuffer;
  const L = secureLayer(tcp), e = L?.engine;
  const recs: [number, Uint8Array][] = [];
  if (L && e) {
    const u32 = (v: number) => new Uint8Array([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
    recs.push([C.TTLS_ATTR_ALPN, utf8Encode(e.alpn ?? '')]);
    // The layer's result, as TLS_CERT_VERIFY_RESULT reads it (a server that asked for no
    // certificate: SKIP_VERIFY); no record where that option is -ENOTCONN (never the sentinel).
    if (L.verifyResult !== null) recs.push([C.TTLS_ATTR_VERIFY_RESULT, u32(L.verifyResult)]);
    recs.push([C.TTLS_ATTR_KEY_UPDATES, u32(e.keyUpdatesReceived)], [C.TTLS_ATTR_TICKETS, u32(e.ticketsReceived)],
      [C.TTLS_ATTR_RESUMED, u32(e.resumed ? 1 : 0)]);
  }
  let at = 0, need = 0, all = true;
  for (const [id, v] of recs) {
    need += 4 + v.length;
    if (!out || at + 4 + v.length > out.length) { all = false; continue; } // note 6: whole records only
    out.set([id >> 8, id & 255, v.length >> 8, v.length & 255], at);
    out.set(v, at + 4);
    at += 4 + v.length;
  }
  req.outLen = at;
  req.outNeeded = need;
  return all;
}

/** The ioctl on the socket behind an fd (null: a bad fd). A Promise: a blocking socket waits
 *  for the handshake or the stop. */
export async function ttlsIoctl(s: Sock | null, req: TtlsIoctl): Promise<number> {
  if (!s) return -E.EBADF;
  if (!req || typeof req !== 'object') return -E.EFAULT;
  const bad = checkRequest(req);
  if (bad !== null) return bad;
  const tcp = tcpOf(s);
  if (!tcp) return bare(req, E.EPROTOTYPE, C.TTLS_JR_SOCKET_TYPE_NOT_SUPPORTED);
  if (tcp.state !== 'connected') return bare(req, E.ENOTCONN, C.TTLS_JR_GET_CONN_ERROR);
  const m = T.mappingOf(tcp);
  const first = !m.seen;
  m.seen = true;
  if (first && m.configError) return bare(req, E.EMVSERR, C.TTLS_JR_UNEXPECTED_ERR);
  return run(tcp, req, m);
}

async function run(tcp: TcpSock, req: TtlsIoctl, m: Mapping): Promise<number> {
  const t = req.requestType;
  const yes = (errno: number, jr: number) => {
    fill(req, m, tcp);
    req.reason = jr;
    return -errno;
  };
  const act = t & ACTIONS;
  if (act) {
    if (!m.rule?.enabled) return yes(E.EOPNOTSUPP, C.TTLS_JR_OPT_NOT_SUPPORTED);
    if (!m.rule.applicationControlled) return yes(E.EACCES, C.TTLS_JR_CONN_DENIED_POLICY);
  }
  const L = tcp.layer;
  if ((t & C.TTLS_INIT_CONNECTION) && L && L.state !== 'closing' && L.state !== 'failed') return yes(E.EALREADY, C.TTLS_JR_ALREADY_ACTIVE);
  if ((t & C.TTLS_STOP_CONNECTION) && L?.state === 'closing') return yes(E.EALREADY, C.TTLS_JR_ALREADY_ACTIVE);
  if (L?.state === 'handshaking') {
    if (tcp.nonblock) return yes(E.EWOULDBLOCK, C.TTLS_JR_OK);
    const r = await handshakeDone(tcp);
    if (r < 0) return bare(req, -r, C.TTLS_JR_HANDSHAKE_FAILED);
  }
  if ((act & NEEDS_LIVE) && !tcp.established) return yes(E.EPIPE, C.TTLS_JR_UNEXPECTED_ERR);
  const sec = secureLayer(tcp);
  if ((act & NEEDS_SECURE) && !sec) return yes(E.EPROTO, C.TTLS_JR_GET_CONN_ERROR);
  if ((t & C.TTLS_ALLOW_HSTIMEOUT) && (m.rule!.role === 'client' || !m.rule!.handshakeTimeout)) {
    return yes(E.EPROTO, C.TTLS_JR_CONN_DENIED_POLICY);
  }
  const rc = await perform(tcp, req, m, sec, yes);
  if (rc !== 0) return rc;
  fill(req, m, tcp);
  if (t & C.TTLS_RETURN_CERTIFICATE) {
    const cert = secureLayer(tcp)?.engine?.peerCertificate ?? null;
    if (cert && cert.length > req.certBuffer!.length) return yes(E.ENOBUFS, C.TTLS_JR_BUFF_TOO_SMALL);
    if (cert) req.certBuffer!.set(cert);
  }
  if ((t & C.TTLS_QUERY_ONLY) && req.version === C.TTLS_VERSION2 && !attributes(req, tcp)) {
    return yes(E.ENOBUFS, C.TTLS_JR_BUFF_TOO_SMALL);
  }
  req.reason = C.TTLS_JR_OK;
  return 0;
}

/** The action requested: 0 when done (or nothing to do), else the errno already set. */
async function perform(tcp: TcpSock, req: TtlsIoctl, m: Mapping, sec: TlsLayer | null,
  yes: (errno: number, jr: number) => number): Promise<number> {
  const t = req.requestType;
  const v13 = sec?.engine?.version === 0x0304;
  if (t & C.TTLS_INIT_CONNECTION) {
    const n = T.secure(tcp, (t & C.TTLS_ALLOW_HSTIMEOUT) !== 0);
    if (n < 0) return yes(n === -E.ENOMEM ? E.ENOMEM : E.EMVSERR, C.TTLS_JR_UNEXPECTED_ERR);
    if (tcp.nonblock) return yes(E.EINPROGRESS, C.TTLS_JR_OK);
    const r = await handshakeDone(tcp);
    return r >= 0 ? 0 : bare(req, -r, C.TTLS_JR_HANDSHAKE_FAILED); // 1: a tolerated timeout left it plain
  }
  if (t & C.TTLS_STOP_CONNECTION) {
    if (!sec) return yes(E.EPROTO, C.TTLS_JR_GET_CONN_ERROR);
    if (sec.unread > 0) return yes(E.EPROTO, C.TTLS_JR_STOP_READ_DATA_PENDING);
    if (sec.unsent > 0) return yes(E.EPROTO, C.TTLS_JR_STOP_WRITE_DATA_PENDING);
    sec.stop();
    if (!tcp.layer) return 0; // the peer's close_notify had come: plain already
    if (tcp.nonblock) return yes(E.EINPROGRESS, C.TTLS_JR_OK);
    return (await T.stopped(tcp)) ? 0 : yes(E.EPIPE, C.TTLS_JR_UNEXPECTED_ERR);
  }
  // The SSL-version-2 row, mapped: a request the negotiated version cannot honour.
  if ((t & C.TTLS_RESET_CIPHER) && v13) return yes(E.EPROTO, C.TTLS_JR_INVALID_VERSION);
  if ((t & (C.TTLS_RESET_WRITE_CIPHER | C.TTLS_SEND_SESSION_TICKET)) && !v13) return yes(E.EPROTO, C.TTLS_JR_INVALID_VERSION);
  if ((t & C.TTLS_SEND_SESSION_TICKET) && m.rule!.role === 'client') return yes(E.EPROTO, C.TTLS_JR_INVALID_VERSION);
  if (t & C.TTLS_RESET_SESSION) T.resetSession(tcp);
  const ops: [number, () => number][] = [[C.TTLS_RESET_CIPHER, () => T.renegotiate(tcp)],
    [C.TTLS_RESET_WRITE_CIPHER, () => T.keyUpdate(tcp)], [C.TTLS_SEND_SESSION_TICKET, () => T.sendTicket(tcp)]];
  for (const [flag, op] of ops) {
    if ((t & flag) && op() < 0) return yes(E.EPIPE, C.TTLS_JR_UNEXPECTED_ERR);
  }
  return 0;
}
