/**
 * Stateless DTLS cookies (RFC 6347 §4.2.1) for a server socket: before a peer has a session its
 * ClientHello is checked against the listener's cookie key in the core (zs_dtls_cookie). Nothing
 * is kept for a peer until it returns a valid cookie, so spoofed ClientHellos hold no memory.
 */
import { getCore } from './wasm.js';
import type { TlsServerState } from './server_state.js';

/** What to do with a datagram from a peer that has no session. */
export type CookieVerdict =
  | { kind: 'session' }                  // a ClientHello with a valid cookie: make the session
  | { kind: 'reply'; bytes: Uint8Array } // send this HelloVerifyRequest and keep nothing
  | { kind: 'drop' };                    // not a ClientHello worth an answer

const OUT_CAP = 512;

/** Checks `datagram` from the peer whose transport id (address and port) is `peerId`. */
export function checkCookie(state: TlsServerState, datagram: Uint8Array, peerId: Uint8Array, now: number): CookieVerdict {
  if (!state.handle || datagram.length === 0 || datagram.length > 65536 || peerId.length === 0) return { kind: 'drop' };
  const core = getCore();
  const dg = core.scratch(datagram.length + peerId.length + OUT_CAP);
  const id = dg + datagram.length, out = id + peerId.length;
  core.u8.set(datagram, dg);
  core.u8.set(peerId, id);
  core.x.zs_clock(now);
  const r = core.x.zs_dtls_cookie(state.handle, dg, datagram.length, id, peerId.length, out, OUT_CAP);
  if (r === 0) return { kind: 'session' };
  if (r > 0) return { kind: 'reply', bytes: core.u8.slice(out, out + r) };
  return { kind: 'drop' };
}
