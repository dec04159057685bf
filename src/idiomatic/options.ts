/**
 * What this layer's factories take, checked once at the boundary: ports, hosts, buffers and the
 * secure-socket options, and how they become zsock_* calls (addresses through inet_pton or
 * getaddrinfo, TLS settings through SOL_TLS options).
 */
import * as Z from '../api/index.js';
import { argError, callError, check, ZsockError } from './errors.js';

/** TLS or DTLS settings of a socket: the SOL_TLS options Zephyr's secure sockets take. */
export interface SecureOptions {
  /** TLS_SEC_TAG_LIST: the credential tags (tls_credential_add) this socket uses. */
  secTags: number[];
  /** TLS_HOSTNAME: the name the server's certificate must carry (and SNI). A client's default is
   *  the host it connects to when that is a name, not an address; null sets none. */
  hostname?: string | null;
  /** TLS_PEER_VERIFY: 'required' (a client's default), 'optional' or 'none'. */
  verify?: 'none' | 'optional' | 'required';
  /** TLS_ALPN_LIST: the application protocols offered, in order. */
  alpn?: string[];
  /** TLS_CIPHERSUITE_LIST: IANA ciphersuite numbers, in order of preference. */
  ciphersuites?: number[];
  /** The lowest TLS version (stream sockets): '1.2' (default: 1.2 or 1.3) or '1.3'. */
  minVersion?: '1.2' | '1.3';
}

/** Where to connect or bind, beyond host and port. */
export interface SocketOptions {
  /** TLS (TcpSocket, TcpServer) or DTLS (DtlsSocket) settings; a TcpSocket without is plain. */
  tls?: SecureOptions;
  /** AF_INET or AF_INET6 for a name that resolves to both (default: the first result). */
  family?: number;
}

const VERIFY = { none: Z.TLS_PEER_VERIFY_NONE, optional: Z.TLS_PEER_VERIFY_OPTIONAL, required: Z.TLS_PEER_VERIFY_REQUIRED };
const isIntIn = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/** A port number, else a programmer error. */
export function portArg(port: unknown, call: string, allowZero = true): number {
  if (!isIntIn(port, allowZero ? 0 : 1, 65535)) throw argError(`port must be an integer in ${allowZero ? 0 : 1}..65535`, call);
  return port as number;
}

/** Bytes to send: a Uint8Array as is, a string as UTF-8. */
export function dataArg(data: unknown, call: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return new TextEncoder().encode(data);
  throw argError('data must be a Uint8Array or a string', call);
}

/** A buffer to fill. */
export function bufArg(buf: unknown, call: string): Uint8Array {
  if (!(buf instanceof Uint8Array)) throw argError('buf must be a Uint8Array', call);
  return buf;
}

/** The options object, its shape checked (unknown keys are refused: a misspelt `tls` must not
 *  give a plain socket). */
export function optionsArg(opts: unknown, call: string): SocketOptions {
  if (opts === undefined) return {};
  if (!opts || typeof opts !== 'object') throw argError('options must be an object', call);
  const o = opts as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'tls' && k !== 'family') throw argError(`unknown option '${k}'`, call);
  if (o.family !== undefined && o.family !== Z.AF_INET && o.family !== Z.AF_INET6) throw argError('family must be AF_INET or AF_INET6', call);
  if (o.tls !== undefined) secureArg(o.tls, call);
  return o as SocketOptions;
}

function secureArg(t: unknown, call: string): void {
  if (!t || typeof t !== 'object') throw argError('tls must be an object', call);
  const s = t as Record<string, unknown>;
  const keys = ['secTags', 'hostname', 'verify', 'alpn', 'ciphersuites', 'minVersion'];
  for (const k of Object.keys(s)) if (!keys.includes(k)) throw argError(`unknown tls option '${k}'`, call);
  if (!Array.isArray(s.secTags) || !s.secTags.every((v) => isIntIn(v, 0, 0x7fffffff))) throw argError('tls.secTags must be an array of credential tags', call);
  if (s.hostname !== undefined && s.hostname !== null && typeof s.hostname !== 'string') throw argError('tls.hostname must be a string or null', call);
  if (s.verify !== undefined && !Object.prototype.hasOwnProperty.call(VERIFY, s.verify as string)) throw argError("tls.verify must be 'none', 'optional' or 'required'", call);
  if (s.alpn !== undefined && !(Array.isArray(s.alpn) && s.alpn.every((v) => typeof v === 'string'))) throw argError('tls.alpn must be an array of strings', call);
  if (s.ciphersuites !== undefined && !(Array.isArray(s.ciphersuites) && s.ciphersuites.every((v) => isIntIn(v, 0, 0xffff)))) throw argError('tls.ciphersuites must be an array of ciphersuite numbers', call);
  if (s.minVersion !== undefined && s.minVersion !== '1.2' && s.minVersion !== '1.3') throw argError("tls.minVersion must be '1.2' or '1.3'", call);
}

/** The IPPROTO_* of a stream socket: TCP, or TLS from its lowest version. */
export function streamProto(tls: SecureOptions | undefined): number {
  if (!tls) return Z.IPPROTO_TCP;
  return tls.minVersion === '1.3' ? Z.IPPROTO_TLS_1_3 : Z.IPPROTO_TLS_1_2;
}

/** Sets the SOL_TLS options of `fd`; `host` (a client's peer) is the default hostname. */
export function applySecure(fd: number, tls: SecureOptions, host: string | null): void {
  const set = (opt: number, v: unknown) => check(Z.zsock_setsockopt(fd, Z.SOL_TLS, opt, v), 'zsock_setsockopt');
  set(Z.TLS_SEC_TAG_LIST, [...tls.secTags]);
  const name = tls.hostname !== undefined ? tls.hostname : host !== null && !isAddress(host) ? host : null;
  if (name !== null) set(Z.TLS_HOSTNAME, name);
  if (tls.verify) set(Z.TLS_PEER_VERIFY, VERIFY[tls.verify]);
  if (tls.alpn) set(Z.TLS_ALPN_LIST, [...tls.alpn]);
  if (tls.ciphersuites) set(Z.TLS_CIPHERSUITE_LIST, [...tls.ciphersuites]);
}

function literal(host: string): Z.SockAddr | null {
  for (const family of [Z.AF_INET, Z.AF_INET6]) {
    if (Z.zsock_inet_pton(family, host, new Uint8Array(16)) === 1) return { family, addr: host, port: 0 };
  }
  return null;
}

function isAddress(host: string): boolean {
  return literal(host) !== null;
}

/** host:port as a sockaddr: an address literal as is, a name through getaddrinfo. A name that
 *  does not resolve rejects with the EAI_* name as `code` (errno 0, or the errno of EAI_SYSTEM). */
export async function resolve(host: unknown, port: number, family: number | undefined, call: string): Promise<Z.SockAddr> {
  if (typeof host !== 'string' || host === '') throw argError('host must be a non-empty string', call);
  const lit = literal(host);
  if (lit && (family === undefined || lit.family === family)) return { ...lit, port };
  const res: Z.Out<Z.AddrInfo | null> = {};
  const r = await Z.zsock_getaddrinfo(host, null, { ai_family: family ?? Z.AF_UNSPEC, ai_socktype: Z.SOCK_STREAM }, res);
  if (r === Z.EAI_SYSTEM) throw callError(-Z.zsock_errno(), 'zsock_getaddrinfo');
  if (r !== 0 || !res.value) throw gaiError(r);
  return { family: res.value.ai_addr.family, addr: res.value.ai_addr.addr, port };
}

const EAI_NAMES = ['EAI_BADFLAGS', 'EAI_NONAME', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_FAMILY', 'EAI_SOCKTYPE', 'EAI_SERVICE', 'EAI_ADDRFAMILY', 'EAI_MEMORY'];

function gaiError(r: number): ZsockError {
  const code = EAI_NAMES[-r - 1] ?? 'EAI_FAIL';
  return new ZsockError(code, 0, 'zsock_getaddrinfo', `zsock_getaddrinfo: ${code}: ${Z.zsock_gai_strerror(r)}`);
}

/** A new socket's fd, or its ZsockError. */
export function openSocket(family: number, type: number, proto: number): number {
  return check(Z.zsock_socket(family, type, proto), 'zsock_socket');
}

/** A socket's own (`'local'`) or its peer's (`'remote'`) address, or the call's ZsockError
 *  (EBADF once closed; ENOTCONN for a peer not connected). */
export function sockAddr(fd: number, which: 'local' | 'remote'): Z.SockAddr {
  const a = {} as Z.SockAddr;
  if (which === 'local') check(Z.zsock_getsockname(fd, a), 'zsock_getsockname');
  else check(Z.zsock_getpeername(fd, a), 'zsock_getpeername');
  return a;
}

/** A local address to bind: an IPv4 or IPv6 address literal (default '0.0.0.0'). */
export function localAddr(host: unknown, port: number, call: string): Z.SockAddr {
  const h = host ?? '0.0.0.0';
  const lit = typeof h === 'string' ? literal(h) : null;
  if (!lit) throw argError('host must be an IPv4 or IPv6 address', call);
  return { ...lit, port };
}
