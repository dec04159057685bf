/**
 * UdpSocket and DtlsSocket: datagram sockets as objects. send/receive one datagram at a time,
 * an async iterator over the datagrams that arrive, `await using`. A DtlsSocket is a UdpSocket
 * whose datagrams are DTLS 1.2 records: a client's handshake is part of connect(); a server's
 * peers are told apart by address, as Zephyr's DTLS server sockets do.
 */
import * as Z from '../api/index.js';
import './dispose.js';
import { argError, callError, check, ZsockError } from './errors.js';
import { applySecure, bufArg, dataArg, localAddr, openSocket, optionsArg, sockAddr, portArg, resolve, type SecureOptions, type SocketOptions } from './options.js';

/** One datagram: its bytes and where it came from. */
export interface Datagram {
  data: Uint8Array;
  from: Z.SockAddr;
}

/** How a datagram socket binds. */
export interface BindOptions {
  /** The local address (default '0.0.0.0'; '::' for IPv6). */
  host?: string;
  /** DtlsSocket.bind only: the server's credentials (secTags) and settings. */
  tls?: SecureOptions;
}

const MAX_DATAGRAM = 1500;

function bindArgs(options: unknown, call: string): BindOptions {
  if (options === undefined) return {};
  if (!options || typeof options !== 'object') throw argError('options must be an object', call);
  const o = options as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'host' && k !== 'tls') throw argError(`unknown option '${k}'`, call);
  if (o.tls !== undefined) optionsArg({ tls: o.tls }, call);
  return o as BindOptions;
}

/** A UDP socket: bound (UdpSocket.bind) or with a default peer (UdpSocket.connect). */
export class UdpSocket implements AsyncIterable<Datagram>, AsyncDisposable, Disposable {
  /** The zsock fd behind this object. */
  readonly fd: number;
  #closed = false;

  /** Wraps a datagram fd (this object then owns it). */
  constructor(fd: number) {
    if (!Number.isInteger(fd) || fd < 0) throw argError('fd must be a socket descriptor', 'UdpSocket');
    this.fd = fd;
  }

  /** A socket bound to host:port (port 0: one the stack picks). Rejects with a ZsockError
   *  (EADDRINUSE, ERR_ZSOCK_INVALID_ARG); no fd is left open on failure. */
  static async bind(port = 0, options?: BindOptions): Promise<UdpSocket> {
    const o = bindArgs(options, 'UdpSocket.bind');
    if (o.tls) throw argError('tls: use DtlsSocket.bind', 'UdpSocket.bind');
    return new UdpSocket(bound(Z.IPPROTO_UDP, localAddr(o.host, portArg(port, 'UdpSocket.bind'), 'UdpSocket.bind'), null));
  }

  /** A socket whose default peer is host:port (send needs no address; only that peer's
   *  datagrams are received). Rejects with a ZsockError (EAI_* for a name). */
  static async connect(host: string, port: number, options?: SocketOptions): Promise<UdpSocket> {
    const o = optionsArg(options, 'UdpSocket.connect');
    if (o.tls) throw argError('tls: use DtlsSocket.connect', 'UdpSocket.connect');
    return new UdpSocket(await connected(host, port, o, Z.IPPROTO_UDP, 'UdpSocket.connect'));
  }

  /** True once close() ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The bound address ({ family, addr, port }). */
  get localAddress(): Z.SockAddr {
    return sockAddr(this.fd, 'local');
  }

  /** Sends one datagram (a string as UTF-8) to `to`, or to the default peer: its length.
   *  Rejects with a ZsockError: EDESTADDRREQ (no peer), EMSGSIZE, ENOTCONN, EBADF after close(). */
  async send(data: Uint8Array | string, to?: Z.SockAddr): Promise<number> {
    const d = dataArg(data, 'send');
    if (to !== undefined && (!to || typeof to !== 'object')) throw argError('to must be a { family, addr, port } address', 'send');
    const n = await Z.zsock_sendto(this.fd, d, 0, to ?? null);
    if (n < 0) throw this.error(n, 'zsock_sendto');
    return n;
  }

  /** The next datagram (up to `maxBytes`, default 1500; the rest of a longer one is dropped,
   *  as recvfrom does). Rejects with a ZsockError (EBADF after close(); a DTLS peer's failure). */
  async receive(maxBytes = MAX_DATAGRAM): Promise<Datagram> {
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 65535) throw argError('maxBytes must be an integer in 1..65535', 'receive');
    const buf = bufArg(new Uint8Array(maxBytes), 'receive');
    const from = {} as Z.SockAddr;
    const n = await Z.zsock_recvfrom(this.fd, buf, 0, from);
    if (n < 0) throw this.error(n, 'zsock_recvfrom');
    return { data: buf.slice(0, Math.min(n, maxBytes)), from: { ...from } };
  }

  /** Closes the socket (DTLS: close_notify to the peers). Idempotent; never throws. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    Z.zsock_close(this.fd);
  }

  /** Each datagram as it arrives, until the socket is closed (the loop then ends quietly).
   *  Throws a receive error other than one peer's (a DTLS peer's failed handshake is skipped). */
  async *[Symbol.asyncIterator](): AsyncIterator<Datagram> {
    for (;;) {
      if (this.#closed) return;
      try {
        yield await this.receive();
      } catch (e) {
        if (this.#closed) return;
        if (!this.peerFault(e)) throw e;
      }
    }
  }

  /** close(), for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** close(), for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  /** The ZsockError of a failed call on this socket. */
  protected error(rc: number, call: string): ZsockError {
    return callError(rc, call);
  }

  /** Whether an iteration error is one peer's, after which the socket serves others. */
  protected peerFault(_e: unknown): boolean {
    return false;
  }
}

/** A DTLS 1.2 socket: a client (DtlsSocket.connect) or a server (DtlsSocket.bind). */
export class DtlsSocket extends UdpSocket {
  /**
   * A DTLS client of host:port: the handshake is done when this resolves. Rejects with a
   * ZsockError: ECONNABORTED with the TLS reason (verification, a handshake failure), ETIMEDOUT
   * (no answer), ENOMEM (no TLS context), ERR_ZSOCK_INVALID_ARG (no `tls`, wrong arguments).
   */
  static override async connect(host: string, port: number, options?: SocketOptions): Promise<DtlsSocket> {
    const o = optionsArg(options, 'DtlsSocket.connect');
    if (!o.tls) throw argError('tls is required (secTags at least)', 'DtlsSocket.connect');
    return new DtlsSocket(await connected(host, port, o, Z.IPPROTO_DTLS_1_2, 'DtlsSocket.connect'));
  }

  /** A DTLS server on host:port (TLS_DTLS_ROLE server): receive() gives each peer's data after
   *  its handshake, send(data, from) answers it. Rejects as UdpSocket.bind, and without `tls`. */
  static override async bind(port = 0, options?: BindOptions): Promise<DtlsSocket> {
    const o = bindArgs(options, 'DtlsSocket.bind');
    if (!o.tls) throw argError('tls is required (secTags at least)', 'DtlsSocket.bind');
    return new DtlsSocket(bound(Z.IPPROTO_DTLS_1_2, localAddr(o.host, portArg(port, 'DtlsSocket.bind'), 'DtlsSocket.bind'), o.tls));
  }

  protected override error(rc: number, call: string): ZsockError {
    return callError(rc, call, this.fd);
  }

  protected override peerFault(e: unknown): boolean {
    const code = (e as { code?: string }).code;
    return code === 'ECONNABORTED' || code === 'ECONNRESET' || code === 'ETIMEDOUT';
  }
}

function bound(proto: number, at: Z.SockAddr, tls: SecureOptions | null): number {
  const fd = openSocket(at.family, Z.SOCK_DGRAM, proto);
  try {
    if (tls) {
      applySecure(fd, tls, null);
      check(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_ROLE, Z.TLS_DTLS_ROLE_SERVER), 'zsock_setsockopt');
    }
    check(Z.zsock_bind(fd, at), 'zsock_bind');
  } catch (e) {
    Z.zsock_close(fd);
    throw e;
  }
  return fd;
}

async function connected(host: string, port: number, o: SocketOptions, proto: number, call: string): Promise<number> {
  const to = await resolve(host, portArg(port, call, false), o.family, call);
  const fd = openSocket(to.family, Z.SOCK_DGRAM, proto);
  try {
    if (o.tls) applySecure(fd, o.tls, host);
    check(await Z.zsock_connect(fd, to), 'zsock_connect', o.tls ? fd : undefined);
  } catch (e) {
    Z.zsock_close(fd);
    throw e;
  }
  return fd;
}
