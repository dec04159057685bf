/**
 * Parsed credentials shared by a core's sessions (zs_cred in the core): a listener's certificate
 * and key are parsed and checked as a pair once, not per accepted connection, and clients that
 * trust the same CAs share one parsed chain. Keyed by the credentials' content (SHA-256 of the
 * bytes), so a credential replaced in the store, or a caller's array changed in place, is parsed
 * afresh; the core counts references, so a session keeps what it was configured with until it
 * is freed, as a live Zephyr context keeps working after tls_credential_delete.
 *
 * Bounded: ZSOCK_TLS_CRED_CACHE sets, most recently used first, each a few KB of the arena.
 * A delete from the credential store drops every cached set, so the core wipes a deleted key
 * once the sessions using it end, and nothing deleted serves a new session.
 */
import type { Core } from './wasm.js';
import { config } from '../config.js';
import { Sha256 } from './sha256.js';
import { onCredentialDeleted } from './credentials.js';

/** What one shared set holds: CA certificates and own certificate + key pairs (DER or PEM). */
export interface CredParts {
  ca: readonly Uint8Array[];
  certs: readonly { cert: Uint8Array; key: Uint8Array }[];
}

/** Builds a new set in the core (the caller's reference): its handle, or throws. */
export type CredBuilder = (parts: CredParts) => number;

interface Entry { digest: string; handle: number }

class CredCache {
  /** Most recently used first; each holds the owner's reference to its set. */
  readonly entries: Entry[] = [];
  /** Sets built (parsed) since the core was loaded: tests tell sharing from parsing by it. */
  parses = 0;

  constructor(private readonly core: Core) {}

  /** Calls use(handle) with a set holding `parts`, cached or built; the set outlives the call
   *  only in the cache (use takes its own reference: zs_conf_cred). */
  with(parts: CredParts, build: CredBuilder, use: (handle: number) => void): void {
    const digest = digestOf(parts);
    const i = this.entries.findIndex((e) => e.digest === digest);
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
    this.entries.unshift({ digest, handle });
    while (this.entries.length > config.ZSOCK_TLS_CRED_CACHE) this.core.x.zs_cred_free(this.entries.pop()!.handle);
    live.add(this);
  }

  /** Lets every cached set go (sessions using one keep it until they are freed). */
  flush(): void {
    for (const e of this.entries.splice(0)) this.core.x.zs_cred_free(e.handle);
    live.delete(this);
  }
}

/** SHA-256 over each part's kind, length and bytes: equal digests, equal credentials. */
function digestOf(parts: CredParts): string {
  const h = new Sha256();
  const head = new Uint8Array(5);
  const add = (kind: number, b: Uint8Array) => {
    head[0] = kind;
    new DataView(head.buffer).setUint32(1, b.length);
    h.update(head).update(b);
  };
  for (const ca of parts.ca) add(1, ca);
  for (const { cert, key } of parts.certs) {
    add(2, cert);
    add(3, key);
  }
  return h.hex();
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
