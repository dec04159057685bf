/**
 * What a session answers about itself: negotiated parameters, the peer, counters, memory, and a
 * saved session for resumption. The base of TlsSession (session.ts), which drives it.
 */
import type { Core } from './wasm.js';
import { MBEDTLS, type TlsError } from './errors.js';
import { utf8Decode } from '../utf8.js';

export abstract class SessionInfo {
  protected ctx = 0;
  protected fatal: TlsError | null = null;
  protected peerClosed = false;
  protected eofSeen = false;
  protected ticketCount = 0;
  protected waitingVerify = false;

  constructor(protected readonly core: Core) {}

  get handshakeDone(): boolean {
    return this.ctx !== 0 && this.core.x.zs_handshake_over(this.ctx) === 1;
  }

  /** The negotiated ciphersuite's IANA id (0 before the handshake). */
  get ciphersuite(): number {
    return this.ctx ? this.core.x.zs_ciphersuite(this.ctx) : 0;
  }

  /** 0x0303 for TLS 1.2 / DTLS 1.2, 0x0304 for TLS 1.3; 0 before the handshake. */
  get version(): number {
    return this.handshakeDone ? this.core.x.zs_version(this.ctx) : 0;
  }

  /** The ALPN protocol agreed on, or null. */
  get alpn(): string | null {
    const p = this.ctx ? this.core.x.zs_alpn(this.ctx) : 0;
    if (!p) return null;
    const u8 = this.core.u8;
    let end = p;
    while (u8[end] !== 0) end++;
    return utf8Decode(u8.subarray(p, end));
  }

  /** The peer's leaf certificate (DER), or null. */
  get peerCertificate(): Uint8Array | null {
    if (!this.ctx) return null;
    const lenPtr = this.core.scratch(4);
    const p = this.core.x.zs_peer_cert(this.ctx, lenPtr);
    return p ? this.core.u8.slice(p, p + this.core.dv.getUint32(lenPtr, true)) : null;
  }

  /** X.509 verification flags (X509_BADCERT_*); 0 is OK; -1 >>> 0 when there is no result. */
  get verifyResult(): number {
    return this.ctx ? this.core.x.zs_verify_result(this.ctx) >>> 0 : 0xffffffff;
  }

  /** Decrypted bytes ready for read() without more input. */
  get bytesAvailable(): number {
    return this.ctx ? this.core.x.zs_bytes_avail(this.ctx) : 0;
  }

  /** DTLS: when (caller's ms) the retransmission timer fires; call handshake() then. */
  get timerDeadline(): number | null {
    const d = this.ctx ? this.core.x.zs_timer_deadline(this.ctx) : -1;
    return d < 0 ? null : d;
  }

  /** DTLS: the connection ID the peer asked us to put in our records, or null if none. */
  get peerCid(): Uint8Array | null {
    if (!this.ctx) return null;
    const len = this.core.scratch(4 + 256), buf = len + 4;
    if (!this.core.x.zs_peer_cid(this.ctx, buf, len)) return null;
    return this.core.u8.slice(buf, buf + this.core.dv.getUint32(len, true));
  }

  /** The key-exchange group (IANA NamedGroup: 23 secp256r1, 24 secp384r1, 29 x25519); 0 when
   *  there was none (PSK) or before the key exchange. */
  get group(): number {
    return this.ctx ? this.core.x.zs_group(this.ctx) : 0;
  }

  /** The handshake is paused for a deferred verify answer. */
  get awaitingVerify(): boolean {
    return this.waitingVerify;
  }

  /** Server: the handshake resumed a session (a ticket or the cache). */
  get resumed(): boolean {
    return this.ctx !== 0 && this.core.x.zs_resumed(this.ctx) === 1;
  }

  /** KeyUpdate messages received from the peer (TLS 1.3). */
  get keyUpdatesReceived(): number {
    return this.ctx ? this.core.x.zs_key_updates_received(this.ctx) : 0;
  }

  /** NewSessionTicket messages received so far (TLS 1.3 client). */
  get ticketsReceived(): number {
    return this.ticketCount;
  }

  /** The sticky fatal error, or null. */
  get error(): TlsError | null {
    return this.fatal;
  }

  /** The peer is done sending: close_notify, or the transport's EOF (see closedCleanly). */
  get closed(): boolean {
    return this.peerClosed;
  }

  /** Closed with a close_notify; false after a bare EOF (possible truncation). */
  get closedCleanly(): boolean {
    return this.peerClosed && !this.eofSeen;
  }

  /** Arena bytes this session holds now, and at its peak since creation. */
  memory(): { current: number; peak: number } {
    if (!this.ctx) return { current: 0, peak: 0 };
    return { current: this.core.x.zs_mem(this.ctx, 0), peak: this.core.x.zs_mem(this.ctx, 1) };
  }

  /** The session serialised for resumption (client), or null if there is none yet. */
  saveSession(): Uint8Array | null {
    if (!this.ctx || !this.handshakeDone) return null;
    const x = this.core.x;
    for (let cap = 2048; ; cap *= 2) {
      const olen = this.core.scratch(cap + 8), buf = olen + 8;
      const r = x.zs_session_save(this.ctx, buf, cap, olen);
      const n = this.core.dv.getUint32(olen, true);
      if (r === 0) return this.core.u8.slice(buf, buf + n);
      if (r !== MBEDTLS.BUFFER_TOO_SMALL || n <= cap) return null;
    }
  }

  get freed(): boolean {
    return this.ctx === 0;
  }
}
