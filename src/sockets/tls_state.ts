/** State shared by all secure sockets: the TLS context count (CONFIG_NET_SOCKETS_TLS_MAX_CONTEXTS),
 *  the client session cache keyed by peer address, and the listeners whose server caches
 *  TLS_SESSION_CACHE_PURGE clears. */
import { config } from '../config.js';

let inUse = 0;

export const contexts = {
  /** Takes a context; false when all are in use (socket() then gives ENOMEM). */
  take(): boolean {
    if (inUse >= config.NET_SOCKETS_TLS_MAX_CONTEXTS) return false;
    inUse++;
    return true;
  },
  give(): void {
    inUse = Math.max(0, inUse - 1);
  },
  get inUse(): number {
    return inUse;
  },
};

const sessions = new Map<string, Uint8Array>();

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

export const listeners = new Set<{ renewServerState(): void }>();

/** TLS_SESSION_CACHE_PURGE: the global client cache and every server cache and ticket key. */
export function purgeSessionCaches(): void {
  for (const s of sessions.values()) s.fill(0);
  sessions.clear();
  for (const l of listeners) l.renewServerState();
}
