/** State shared by all secure sockets: the TLS context budget (CONFIG_NET_SOCKETS_TLS_MAX_CONTEXTS)
 *  as tokens, the client session cache keyed by peer address, and the listeners whose server
 *  caches TLS_SESSION_CACHE_PURGE clears. */
import { config } from '../config.js';

let inUse = 0;

/** One TLS context of the budget, held by the socket (or policy-secured connection) that took
 *  it and given back exactly once. */
export class ContextToken {
  private held = true;

  /** Gives the context back. A second release is a bug in the caller, not a count to clamp. */
  release(): void {
    if (!this.held) throw new Error('zsock: TLS context released twice');
    this.held = false;
    inUse--;
  }

  get isHeld(): boolean {
    return this.held;
  }
}

/** The TLS context budget of the process (CONFIG_NET_SOCKETS_TLS_MAX_CONTEXTS). */
export const contexts = {
  /** Takes a context; null when all are in use (socket() then gives ENOMEM). A connection a
   *  peer opened (`inbound`) may not take the last CONFIG ..._RESERVED_OUTBOUND of them. */
  take(inbound = false): ContextToken | null {
    const limit = config.NET_SOCKETS_TLS_MAX_CONTEXTS - (inbound ? config.NET_SOCKETS_TLS_CONTEXTS_RESERVED_OUTBOUND : 0);
    if (inUse >= limit) return null;
    inUse++;
    return new ContextToken();
  },
  get inUse(): number {
    return inUse;
  },
};

const sessions = new Map<string, Uint8Array>();

/** The client cache's key for a connection's peer: "address|port"; null when it is gone (then
 *  nothing is cached or offered: one key for every unknown peer would hand a server another's
 *  session). */
export function sessionKey(peer: { addr: string; port: number } | null): string | null {
  return peer ? `${peer.addr}|${peer.port}` : null;
}

/** Client sessions by "address|port", oldest evicted (CONFIG_..._MAX_CLIENT_SESSION_COUNT). */
export const clientCache = {
  get(key: string): Uint8Array | undefined {
    return sessions.get(key);
  },
  set(key: string, session: Uint8Array): void {
    sessions.delete(key);
    sessions.set(key, session);
    while (sessions.size > config.NET_SOCKETS_TLS_MAX_CLIENT_SESSION_COUNT) {
      const oldest = sessions.keys().next().value as string;
      sessions.get(oldest)?.fill(0);
      sessions.delete(oldest);
    }
  },
  delete(key: string): void {
    sessions.get(key)?.fill(0);
    sessions.delete(key);
  },
  get size(): number {
    return sessions.size;
  },
};

/** Listening TLS sockets, whose server state TLS_SESSION_CACHE_PURGE renews. */
export const listeners = new Set<{ renewServerState(): void }>();

/** TLS_SESSION_CACHE_PURGE: the global client cache and every server cache and ticket key.
 *  Sessions still running keep the state they started with (the core counts references). */
export function purgeSessionCaches(): void {
  for (const s of sessions.values()) s.fill(0);
  sessions.clear();
  for (const l of listeners) l.renewServerState();
}
