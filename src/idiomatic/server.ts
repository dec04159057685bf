/**
 * TcpServer: a listening TCP or TLS socket as an object: accept() gives TcpSocket objects (a TLS
 * server's after their handshake), an async iterator gives each connection as it comes, and
 * `await using` closes the listener.
 */
import * as Z from '../api/index.js';
import './dispose.js';
import { argError, callError, check } from './errors.js';
import { applySecure, localAddr, openSocket, optionsArg, sockAddr, portArg, streamProto, type SecureOptions } from './options.js';
import { TcpSocket } from './stream.js';

/** Where and how a TcpServer listens. */
export interface ListenOptions {
  /** The local address to bind (default '0.0.0.0'; '::' or an IPv6 address for IPv6). */
  host?: string;
  /** Connections queued before accept() takes them (listen's backlog; default 4). */
  backlog?: number;
  /** TLS: the server's credentials (secTags) and settings; accepted sockets are TLS. */
  tls?: SecureOptions;
}

function listenArgs(options: unknown): ListenOptions {
  const call = 'TcpServer.listen';
  if (options === undefined) return {};
  if (!options || typeof options !== 'object') throw argError('options must be an object', call);
  const o = options as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['host', 'backlog', 'tls'].includes(k)) throw argError(`unknown option '${k}'`, call);
  if (o.host !== undefined && typeof o.host !== 'string') throw argError('host must be an address string', call);
  if (o.backlog !== undefined && !(Number.isInteger(o.backlog) && (o.backlog as number) >= 0)) throw argError('backlog must be a non-negative integer', call);
  if (o.tls !== undefined) optionsArg({ tls: o.tls }, call);
  return o as ListenOptions;
}

/** A listening stream socket (plain TCP, or TLS when listened with `tls`). */
export class TcpServer implements AsyncIterable<TcpSocket>, AsyncDisposable, Disposable {
  /** The listening zsock fd. */
  readonly fd: number;
  /** True when accepted connections are TLS. */
  readonly secure: boolean;
  #closed = false;

  private constructor(fd: number, secure: boolean) {
    this.fd = fd;
    this.secure = secure;
  }

  /**
   * Binds host:port (port 0: one the stack picks; see `port`) and listens. Rejects with a
   * ZsockError: EADDRINUSE, EADDRNOTAVAIL, ENOMEM (no TLS context), ERR_ZSOCK_INVALID_ARG for
   * wrong arguments (a host that is no address, a bad TLS option). No fd is left open on failure.
   */
  static async listen(port: number, options?: ListenOptions): Promise<TcpServer> {
    const p = portArg(port, 'TcpServer.listen');
    const o = listenArgs(options);
    const at = localAddr(o.host, p, 'TcpServer.listen');
    const fd = openSocket(at.family, Z.SOCK_STREAM, streamProto(o.tls));
    try {
      if (o.tls) applySecure(fd, o.tls, null);
      check(Z.zsock_bind(fd, at), 'zsock_bind');
      check(Z.zsock_listen(fd, o.backlog ?? 4), 'zsock_listen');
    } catch (e) {
      Z.zsock_close(fd);
      throw e;
    }
    return new TcpServer(fd, !!o.tls);
  }

  /** The bound port (the one the stack picked for port 0). */
  get port(): number {
    return this.address.port;
  }

  /** The bound address ({ family, addr, port }); EBADF once closed. */
  get address(): Z.SockAddr {
    return sockAddr(this.fd, 'local');
  }

  /** True once close() ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The next connection (a TLS one once its handshake is done). Rejects with a ZsockError:
   * ECONNABORTED with the TLS reason for a handshake that failed (the server goes on: accept
   * again), ENOMEM (no TLS context free), ENFILE (no fd free), EBADF once closed.
   */
  async accept(): Promise<TcpSocket> {
    const fd = await Z.zsock_accept(this.fd);
    if (fd < 0) throw callError(fd, 'zsock_accept', this.secure ? this.fd : undefined);
    return new TcpSocket(fd, this.secure);
  }

  /** Stops listening. Idempotent; never throws; connections already accepted stay open. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    Z.zsock_close(this.fd);
  }

  /** Each connection as it is accepted, until the server is closed. A connection whose TLS
   *  handshake failed is skipped (that peer's fault); other errors end the loop with a throw. */
  async *[Symbol.asyncIterator](): AsyncIterator<TcpSocket> {
    for (;;) {
      if (this.#closed) return;
      try {
        yield await this.accept();
      } catch (e) {
        if (this.#closed) return;
        const code = (e as { code?: string }).code;
        if (code === 'ECONNABORTED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') continue;
        throw e;
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
}
