/**
 * The state a listening socket's server sessions share in the core: ticket keys, the session
 * cache and the DTLS cookie key. Apart from TlsSession because its lifetime is the listener's,
 * not a connection's, and the core (not JS) decides when it is really gone.
 */
import { getCore } from './wasm.js';
import { MBEDTLS, TlsError } from './errors.js';
import { ENOMEM } from '../errno.js';

/** Shared server state of one listening socket: ticket keys, session cache, DTLS cookie key.
 *  The core counts references: every session configured with it holds one, so `free()` may be
 *  called at any time (a purge, a closed listener) and the sessions still using the state keep
 *  it until they are freed; new sessions must be given a new state. */
export class TlsServerState {
  private readonly core = getCore();
  /** The core's handle (pass as TlsConfig.serverState). 0 once freed. */
  handle: number;

  constructor(opts: { ticketLifetime?: number } = {}) {
    this.handle = this.core.x.zs_srv_new(opts.ticketLifetime ?? 86400);
    if (this.handle === 0) throw new TlsError(MBEDTLS.ALLOC_FAILED, ENOMEM, 'TLS arena exhausted');
  }

  /** Lets the state go (idempotent). Sessions configured with it keep it alive until freed. */
  free(): void {
    if (this.handle) this.core.x.zs_srv_free(this.handle);
    this.handle = 0;
  }

  /** References held now: 1 for this owner plus one per live session (0 once freed). */
  get refs(): number {
    return this.handle ? this.core.x.zs_srv_refs(this.handle) : 0;
  }
}
