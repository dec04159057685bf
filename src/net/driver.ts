/**
 * NetDriver: the only code that touches a network. The socket layer (src/sockets) drives it;
 * the host driver implements it with node:net/dgram/dns, the boards with Espruino's and
 * Moddable's native APIs. The shape is event-driven like ECMA-419 (on*-callbacks set by the
 * socket layer, read-on-demand through the callbacks' data) so a polled driver (Espruino's
 * NetworkJS) can implement it with a timer.
 *
 * Addresses here are numeric strings ('127.0.0.1', '::1') with a family of 4 or 6.
 * Errors are Zephyr errno values (positive), never exceptions. Events are never delivered from
 * inside a call into the driver (write, end, ...): always from a later turn.
 */
export interface NetAddr {
  family: 4 | 6;
  address: string;
  port: number;
}

export interface TcpEvents {
  /** The connection is established (client side). */
  onConnect(): void;
  /** Bytes arrived. The driver may stop delivering after pause() until resume(). */
  onData(data: Uint8Array): void;
  /** The peer closed its sending side (FIN). */
  onEnd(): void;
  /** Bytes queued by write() were handed to the network (`queued` fell): send room opened. */
  onDrain(): void;
  /** The connection failed (connect refused, reset, timeout): a Zephyr errno. */
  onError(errno: number): void;
  /** The connection is fully closed. */
  onClose(): void;
}

export interface TcpConn {
  /** Queues bytes; the driver takes all of them. `queued` tells how many are not yet sent. */
  write(data: Uint8Array): void;
  readonly queued: number;
  /** Sends FIN after the queued bytes. */
  end(): void;
  /** Closes at once (RST where the platform allows). */
  destroy(): void;
  pause(): void;
  resume(): void;
  setNoDelay(on: boolean): void;
  setKeepAlive(on: boolean, idleMs: number): void;
  readonly local: NetAddr | null;
  readonly remote: NetAddr | null;
  events: TcpEvents;
}

export interface TcpListener {
  /** The bound address (port filled in); null until listening. */
  readonly local: NetAddr | null;
  close(): void;
  /** The socket layer's accept queue is full: hand over no connection until resume(). The
   *  platform's own backlog fills meanwhile, and a platform that can then leaves SYNs unanswered
   *  (the client's connect times out, as on Zephyr); one that accepts regardless holds at most
   *  `backlog` connections for the socket layer and resets the ones past that. */
  pause(): void;
  resume(): void;
}

export interface ListenEvents {
  onListening(local: NetAddr): void;
  /** A connection was accepted by the platform. The handler must set conn.events at once. */
  onConnection(conn: TcpConn): void;
  onError(errno: number): void;
}

export interface UdpEvents {
  onMessage(data: Uint8Array, from: NetAddr): void;
  onError(errno: number): void;
}

export interface UdpEndpoint {
  send(data: Uint8Array, to: NetAddr): void;
  /** The platform's endpoint carries both families whatever it was bound for (lwIP binds
   *  IP_ANY_TYPE): a socket of one family receives the other's datagrams, and may answer them. */
  readonly dual?: boolean;
  readonly local: NetAddr | null;
  /** Closes the endpoint; `freed` is called once the platform no longer holds its port (at
   *  once where closing frees it at once; the host's waits for the datagrams handed over). */
  close(freed?: () => void): void;
  events: UdpEvents;
}

/** A network the sockets run on (file comment): the host's, a board's, or the simulator's.
 *  Calls never throw and never call back synchronously; failures arrive as errno events. */
export interface NetDriver {
  /** For diagnostics: which driver this is. */
  readonly name: string;
  /** Starts a TCP connection to `to`, from `from` when bound; the outcome arrives as onConnect
   *  or onError (ECONNREFUSED, ETIMEDOUT, ...). */
  tcpConnect(to: NetAddr, from: NetAddr | null, events: TcpEvents): TcpConn;
  /** Listens at `at` (port 0: an ephemeral one, reported by onListening); `backlog` bounds the
   *  connections the platform holds, `v6only` keeps an IPv6 listener off IPv4. */
  tcpListen(at: NetAddr, backlog: number, v6only: boolean, events: ListenEvents): TcpListener;
  /** Opens a UDP endpoint at `at` (`reuse`: SO_REUSEADDR/PORT, `v6only` as for tcpListen);
   *  onReady gives 0 and the bound address, or an errno. */
  udpOpen(at: NetAddr, opts: { v6only: boolean; reuse: boolean }, events: UdpEvents, onReady: (err: number, local: NetAddr | null) => void): UdpEndpoint;
  /** Interface names (SO_BINDTODEVICE). */
  interfaces(): string[];
  /** Resolves a name to addresses (numeric), or a positive errno / EAI-style failure. */
  resolve(name: string, family: 0 | 4 | 6): Promise<{ addrs: NetAddr[] } | { error: 'noname' | 'again' | 'fail' }>;
}
