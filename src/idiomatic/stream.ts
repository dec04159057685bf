/**
 * TcpSocket: a connected TCP or TLS stream as an object (Deno.Conn's shape): read/write/close,
 * an async iterator over what arrives until the peer ends the stream, and `await using`.
 * Every method is one or a few zsock_* calls; failures are ZsockError rejections.
 */
import * as Z from '../api/index.js';
import './dispose.js';
import { argError, callError, check, ZsockError } from './errors.js';
import { applySecure, bufArg, dataArg, openSocket, optionsArg, sockAddr, portArg, resolve, streamProto, type SocketOptions } from './options.js';

const CHUNK = 1280; // one Ethernet MTU's worth, as the samples' receive buffers

/** A connected TCP stream, plain or TLS (what TcpSocket.connect and TcpServer.accept give). */
export class TcpSocket implements AsyncIterable<Uint8Array>, AsyncDisposable, Disposable {
  /** The zsock fd behind this object, for zsock_* calls this class does not wrap (setsockopt). */
  readonly fd: number;
  /** True for a TLS connection. */
  readonly secure: boolean;
  #closed = false;

  /** Wraps a connected fd (this object then owns it: close() closes it). */
  constructor(fd: number, secure = false) {
    if (!Number.isInteger(fd) || fd < 0) throw argError('fd must be a socket descriptor', 'TcpSocket');
    this.fd = fd;
    this.secure = secure;
  }

  /**
   * Connects to host:port (an address or a name: getaddrinfo), over TLS when `options.tls` is
   * given (the handshake is part of the connect; the hostname defaults to `host` when it is a
   * name). Rejects with a ZsockError: ECONNREFUSED, ETIMEDOUT, ENETUNREACH, ECONNABORTED with the
   * TLS reason in `tls` (verification or handshake failure), ENOMEM (no TLS context free),
   * EAI_* for a name, ERR_ZSOCK_INVALID_ARG for wrong arguments. No fd is left open on failure.
   */
  static async connect(host: string, port: number, options?: SocketOptions): Promise<TcpSocket> {
    const call = 'TcpSocket.connect';
    const p = portArg(port, call, false);
    const o = optionsArg(options, call);
    const to = await resolve(host, p, o.family, call);
    const fd = openSocket(to.family, Z.SOCK_STREAM, streamProto(o.tls));
    try {
      if (o.tls) applySecure(fd, o.tls, host);
      check(await Z.zsock_connect(fd, to), 'zsock_connect', fd);
    } catch (e) {
      Z.zsock_close(fd);
      throw e;
    }
    return new TcpSocket(fd, !!o.tls);
  }

  /** True once close() ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The local address ({ family, addr, port }); EBADF once closed. */
  get localAddress(): Z.SockAddr {
    return sockAddr(this.fd, 'local');
  }

  /** The peer's address; ENOTCONN / EBADF as zsock_getpeername. */
  get remoteAddress(): Z.SockAddr {
    return sockAddr(this.fd, 'remote');
  }

  /** The negotiated ciphersuite's IANA number (TLS_CIPHERSUITE_USED); null on a plain stream. */
  get ciphersuite(): number | null {
    if (!this.secure) return null;
    const out: Z.Out<number> = {};
    check(Z.zsock_getsockopt(this.fd, Z.SOL_TLS, Z.TLS_CIPHERSUITE_USED, out as Z.Out<unknown>), 'zsock_getsockopt');
    return out.value ?? null;
  }

  /**
   * Reads what has arrived into `buf` (waiting for at least one byte): the count, or null when
   * the peer ended the stream (FIN, TLS close_notify). Rejects with the connection's ZsockError
   * (ECONNRESET, ECONNABORTED with the TLS reason, EBADF after close()).
   */
  async read(buf: Uint8Array): Promise<number | null> {
    const b = bufArg(buf, 'TcpSocket.read');
    if (b.length === 0) return 0;
    const n = await Z.zsock_recv(this.fd, b, 0);
    if (n < 0) throw this.#error(n, 'zsock_recv');
    return n === 0 ? null : n;
  }

  /** Writes all of `data` (a string is sent as UTF-8), however many sends it takes: the byte
   *  count. Rejects with ZsockError (EPIPE/ECONNRESET/ECONNABORTED, EBADF after close()). */
  async write(data: Uint8Array | string): Promise<number> {
    const d = dataArg(data, 'TcpSocket.write');
    for (let at = 0; at < d.length;) {
      const n = await Z.zsock_send(this.fd, d.subarray(at), 0);
      if (n < 0) throw this.#error(n, 'zsock_send');
      at += n;
    }
    return d.length;
  }

  /** Closes the socket (TLS: close_notify first); the peer reads EOF. There is no half-close:
   *  Zephyr's shutdown takes SHUT_RD only. Idempotent; never throws. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    Z.zsock_close(this.fd);
  }

  /** The received data, chunk by chunk (each a new Uint8Array), until the peer ends the stream.
   *  Ends quietly if this socket is closed meanwhile; throws the connection's ZsockError. Leaving
   *  the loop early keeps the socket open. */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const buf = new Uint8Array(CHUNK);
    for (;;) {
      if (this.#closed) return;
      let n: number | null;
      try {
        n = await this.read(buf);
      } catch (e) {
        if (this.#closed) return;
        throw e;
      }
      if (n === null) return;
      yield buf.slice(0, n);
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

  #error(rc: number, call: string): ZsockError {
    return callError(rc, call, this.secure ? this.fd : undefined);
  }
}
