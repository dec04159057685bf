/**
 * A listening TCP socket's half: the driver's listener and the accept queue. While the queue
 * is full the listener is paused, so the platform's own backlog fills and then leaves SYNs
 * unanswered (Zephyr: the client's connect times out) instead of this layer resetting
 * connections the platform completed.
 */
import * as C from '../constants.js';
import { driver } from '../net/index.js';
import type { NetAddr, TcpConn, TcpListener } from '../net/driver.js';

/** What the queue tells its socket. */
export interface ListenHooks<T> {
  /** A connection the platform completed: the socket to queue for accept(). */
  make(conn: TcpConn): T;
  /** The listener is bound (or gave up with `errno`, after `retry` declined another port). */
  ready(errno: number): void;
  /** The host refused the port: another to try, or null. */
  retry(errno: number, retries: number): NetAddr | null;
  /** A queued connection dropped unaccepted (the listener closed). */
  drop(child: T): void;
  /** The queue changed (poll, accept's waiters). */
  changed(): void;
}

/** Zephyr: a backlog of 0 means 1; at most SOMAXCONN. */
export const clampBacklog = (b: number): number => Math.max(1, Math.min(b | 0, C.SOMAXCONN));

export class ListenQueue<T> {
  private readonly q: T[] = [];
  private listener: TcpListener | null = null;
  private closed = false;
  private paused = false;

  constructor(private backlog: number, private readonly hooks: ListenHooks<T>) {}

  /** Connections waiting for accept(). */
  get length(): number {
    return this.q.length;
  }

  /** Starts listening at `at` (`retries` other ports when the stack picked it and the host
   *  refuses it). */
  start(at: NetAddr, v6only: boolean, retries = 5): void {
    this.listener = driver().tcpListen(at, this.backlog, v6only, {
      onListening: () => { this.hooks.ready(0); this.hooks.changed(); },
      onConnection: (conn) => this.incoming(conn),
      onError: (errno) => {
        if (this.closed) return;
        const next = this.hooks.retry(errno, retries);
        if (next) return this.start(next, v6only, retries - 1);
        this.hooks.ready(errno);
        this.hooks.changed();
      },
    });
  }

  /** listen() again on a listening socket: a new backlog. */
  setBacklog(backlog: number): void {
    this.backlog = clampBacklog(backlog);
    this.admit();
  }

  /** The next connection, if one waits. */
  shift(): T | undefined {
    const c = this.q.shift();
    this.admit();
    return c;
  }

  /** Puts a connection back in front (a TLS listener found no context for it: the peer waits in
   *  the backlog instead of being reset). */
  unshift(child: T): void {
    this.q.unshift(child);
    this.admit();
    this.hooks.changed();
  }

  /** Stops listening; what waits unaccepted is dropped (reset). */
  close(): void {
    this.closed = true;
    this.listener?.close();
    for (const c of this.q.splice(0)) this.hooks.drop(c);
  }

  /** Pauses the listener at a full queue and resumes it below that: only on a change, since a
   *  driver's resume() may hand over a connection at once (a paused Listener's queue), and one
   *  handed over while accept() found the queue empty would wake nobody. */
  private admit(): void {
    const full = this.q.length >= this.backlog;
    if (full === this.paused) return;
    this.paused = full;
    if (full) this.listener?.pause();
    else this.listener?.resume();
  }

  private incoming(conn: TcpConn): void {
    if (this.closed || this.q.length >= this.backlog) {
      conn.destroy(); // not reached while the listener is paused at a full queue
      return;
    }
    this.q.push(this.hooks.make(conn));
    this.admit();
    this.hooks.changed();
  }
}
