/**
 * The HTTP/1.0 GET both HTTP samples make, over a plain or TLS socket: getaddrinfo, socket,
 * TLS_SEC_TAG_LIST and TLS_HOSTNAME, connect, send the request, read until the server closes.
 * The body is handed over chunk by chunk, so a large download never sits in RAM.
 */
import * as Z from 'zsock';
import { RSA_CERT, EC_CERT } from './credentials.js';
import { tlsReasons } from './errors.js';
import { addPem, tlsInfo, tls12Suites, RSA_TAG, EC_TAG } from './tls_info.js';

export interface GetOptions {
  host: string;
  port: number;
  path: string;
  tls: boolean;
  /** "1.2", "1.3" or "" (either). */
  tlsVersion: string;
  /** TLS_HOSTNAME: the name the server's certificate must carry. */
  tlsHostname: string;
  /** CA certificate (PEM); "" trusts the sample certificates. */
  caPem: string;
  log: (line: string) => void;
}

export interface Response {
  statusLine: string;
  status: number;
  headers: string[];
  bodyBytes: number;
  /** "TLS 1.3, TLS_AES_128_GCM_SHA256" and the handshake's wall time, for a TLS GET. */
  tls?: string;
  handshakeMs?: number;
}

let credentialsAdded = false;

function trustAnchors(caPem: string): number[] {
  if (!credentialsAdded) {
    if (caPem) addPem(RSA_TAG, Z.TLS_CREDENTIAL_CA_CERTIFICATE, caPem);
    else {
      addPem(RSA_TAG, Z.TLS_CREDENTIAL_CA_CERTIFICATE, RSA_CERT);
      addPem(EC_TAG, Z.TLS_CREDENTIAL_CA_CERTIFICATE, EC_CERT);
    }
    credentialsAdded = true;
  }
  return caPem ? [RSA_TAG] : [RSA_TAG, EC_TAG];
}

const CRLF2 = [13, 10, 13, 10];

function headerEnd(b: Uint8Array, len: number): number {
  for (let i = 0; i + 3 < len; i++) if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  return -1;
}

/** GETs `path`; a negative errno (or -EBADMSG for a response that is not HTTP) on failure. */
export async function httpGet(o: GetOptions, onBody: (chunk: Uint8Array) => void): Promise<Response | number> {
  const res: { value?: Z.AddrInfo | null } = {};
  const rc = await Z.zsock_getaddrinfo(o.host, String(o.port), { ai_family: Z.AF_INET, ai_socktype: Z.SOCK_STREAM }, res);
  o.log(`getaddrinfo status: ${rc}${rc ? ` (${Z.zsock_gai_strerror(rc)})` : ''}`);
  if (rc !== 0 || !res.value) return -Z.errno.EHOSTUNREACH;
  o.log(`addrinfo @${res.value.ai_addr.addr}: ${o.host}`);
  const proto = !o.tls ? Z.IPPROTO_TCP : o.tlsVersion === '1.3' ? Z.IPPROTO_TLS_1_3 : Z.IPPROTO_TLS_1_2;
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, proto);
  o.log(`sock = ${fd}`);
  if (fd < 0) return fd;
  try {
    const r = await exchange(fd, o, onBody, res.value.ai_addr);
    if (typeof r === 'number') for (const why of tlsReasons(fd, r)) o.log(`TLS: ${why}`);
    return r;
  } finally {
    Z.zsock_close(fd);
  }
}

/** Connect, request, read the response; the socket is the caller's to close. */
async function exchange(fd: number, o: GetOptions, onBody: (chunk: Uint8Array) => void, addr: Z.SockAddr): Promise<Response | number> {
  if (o.tls) {
    Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, trustAnchors(o.caPem));
    Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_HOSTNAME, o.tlsHostname);
    if (o.tlsVersion === '1.2' && Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_CIPHERSUITE_LIST, tls12Suites(false)) < 0) return -Z.errno.EINVAL;
  }
  const t0 = Date.now();
  const c = await Z.zsock_connect(fd, addr);
  if (c < 0) return c;
  const out: Response = { statusLine: '', status: 0, headers: [], bodyBytes: 0 };
  if (o.tls) {
    out.handshakeMs = Date.now() - t0;
    out.tls = tlsInfo(fd);
    o.log(`TLS: ${out.tls}, handshake ${out.handshakeMs} ms`);
  }
  const req = new TextEncoder().encode(`GET ${o.path} HTTP/1.0\r\nHost: ${o.host}\r\nUser-Agent: zsock-sample\r\n\r\n`);
  for (let at = 0; at < req.length;) {
    const n = await Z.zsock_send(fd, req.subarray(at), 0);
    if (n < 0) return n;
    at += n;
  }
  return readResponse(fd, out, onBody);
}

/** Headers first (at most 4 KB), then the body as it comes, into `out`. */
async function readResponse(fd: number, out: Response, onBody: (chunk: Uint8Array) => void): Promise<Response | number> {
  const head = new Uint8Array(4096);
  let got = 0;
  let end = -1;
  while (end < 0) {
    if (got === head.length) return -Z.errno.EBADMSG;
    const n = await Z.zsock_recv(fd, head.subarray(got), 0);
    if (n < 0) return n;
    if (n === 0) return -Z.errno.EBADMSG;
    got += n;
    end = headerEnd(head, got);
  }
  const lines = new TextDecoder().decode(head.subarray(0, end)).split('\r\n');
  out.statusLine = lines[0];
  out.headers = lines.slice(1);
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(out.statusLine);
  if (!m) return -Z.errno.EBADMSG;
  out.status = Number(m[1]);
  const first = head.subarray(end + CRLF2.length, got);
  if (first.length) { out.bodyBytes += first.length; onBody(first); }
  const buf = new Uint8Array(2048);
  for (;;) {
    const n = await Z.zsock_recv(fd, buf, 0);
    if (n === 0) break;
    if (n < 0) return n;
    out.bodyBytes += n;
    onBody(buf.subarray(0, n));
  }
  return out;
}

/** Content-Length from the headers, or -1. */
export function contentLength(headers: string[]): number {
  const h = headers.find((l) => /^content-length:/i.test(l));
  return h ? Number(h.split(':')[1]) : -1;
}
