/**
 * Parsed credentials shared by a core's sessions (zs_cred in the core): a listener's certificate
 * and key are parsed and checked as a pair once, not per accepted connection, and clients that
 * trust the same CAs share one parsed chain. Keyed by the credentials' content: each entry keeps
 * a copy of the bytes it was built from and a new session's bytes are compared with it (a few
 * microseconds, no allocation; a SHA-256 in JS cost about 40 us and 15 KB of garbage per session,
 * two sessions per client socket), so a credential replaced in the store, or a caller's array changed in place,
 * is parsed afresh. The core counts references, so a session keeps what it was configured with
 * until it is freed, as a live Zephyr context keeps working after tls_credential_delete.
 * The copies hold private keys as the parsed sets in the core do: both go when the entry goes,
 * and the copy is wiped then.
 *
 * Bounded: ZSOCK_TLS_CRED_CACHE sets, most recently used first, each a few KB of the arena.
 * A delete from the credential store drops every cached set, so the core wipes a deleted key
 * once the sessions using it end, and nothing deleted serves a new session.
 */
import type { Core } from './wasm.js';
import { config } from '../config.js';
import { onCredentialDeleted } from './credentials.js';
import { bytesEqual } from './bytes.js';

/** What one shared set holds: CA certificates and own certificate + key pairs (DER or PEM). */
export interface CredParts {
  ca: readonly Uint8Array[];
  certs: readonly { cert: Uint8Array; key: Uint8Array }[];
}

/** Builds a new set in the core (the caller's reference): its handle, or throws. */
export type CredBuilder = (parts: CredParts) => number;

/** A cached set: the handle and a copy of each part it was built from, in CredParts order
 *  (CAs, then certificate and key of each pair). */
interface Entry { ca: number; pairs: number; bytes: Uint8Array[]; handle: number }

class CredCache {
  /** Most recently used first; each holds the owner's reference to its set. */
  readonly entries: Entry[] = [];
  /** Sets built (parsed) since the core was loaded: tests tell sharing from parsing by it. */
  parses = 0;

  constructor(private readonly core: Core) {}

  /** Calls use(handle) with a set holding `parts`, cached or built; the set outlives the call
   *  only in the cache (use takes its own reference: zs_conf_cred). */
  with(parts: CredParts, build: CredBuilder, use: (handle: number) => void): void {
    const i = this.entries.findIndex((e) => holds(e, parts));
    if (i >= 0) {
      const [e] = this.entries.splice(i, 1);
      this.entries.unshift(e);
      use(e.handle);
      return;
    }
    const handle = build(parts);
    this.parses++;
    try {
      use(handle);
    } catch (e) {
      this.core.x.zs_cred_free(handle);
      throw e;
    }
    if (config.ZSOCK_TLS_CRED_CACHE === 0) {
      this.core.x.zs_cred_free(handle);
      return;
    }
    this.entries.unshift(entryOf(parts, handle));
    while (this.entries.length > config.ZSOCK_TLS_CRED_CACHE) this.drop(this.entries.pop()!);
    live.add(this);
  }

  /** Lets every cached set go (sessions using one keep it until they are freed). */
  flush(): void {
    for (const e of this.entries.splice(0)) this.drop(e);
    live.delete(this);
  }

  private drop(e: Entry): void {
    this.core.x.zs_cred_free(e.handle);
    for (const b of e.bytes) b.fill(0); // a private key among them
  }
}

function entryOf(parts: CredParts, handle: number): Entry {
  const bytes = parts.ca.map((b) => b.slice());
  for (const { cert, key } of parts.certs) bytes.push(cert.slice(), key.slice());
  return { ca: parts.ca.length, pairs: parts.certs.length, bytes, handle };
}

/** Whether `e` was built from exactly these bytes. */
function holds(e: Entry, parts: CredParts): boolean {
  if (e.ca !== parts.ca.length || e.pairs !== parts.certs.length) return false;
  let k = 0;
  for (const b of parts.ca) if (!bytesEqual(e.bytes[k++], b)) return false;
  for (const { cert, key } of parts.certs) if (!bytesEqual(e.bytes[k++], cert) || !bytesEqual(e.bytes[k++], key)) return false;
  return true;
}

const caches = new WeakMap<Core, CredCache>();
/** Caches holding sets now: a delete in the store reaches them (cores are few). */
const live = new Set<CredCache>();
onCredentialDeleted(() => {
  for (const c of [...live]) c.flush();
});

function cacheOf(core: Core): CredCache {
  let c = caches.get(core);
  if (!c) caches.set(core, (c = new CredCache(core)));
  return c;
}

/** Calls use(handle) with a shared set holding `parts` in `core`, building it with `build` when
 *  none is cached; what build or use throws is thrown (nothing is cached then). */
export function withSharedCred(core: Core, parts: CredParts, build: CredBuilder, use: (handle: number) => void): void {
  cacheOf(core).with(parts, build, use);
}

/** For tests and benchmarks: the sets cached in `core` and how many were ever built. */
export function credCacheStats(core: Core): { cached: number; parses: number } {
  const c = caches.get(core);
  return { cached: c?.entries.length ?? 0, parses: c?.parses ?? 0 };
}

/** Lets every set cached in `core` go (as a credential delete does). */
export function flushCredCache(core: Core): void {
  caches.get(core)?.flush();
}
