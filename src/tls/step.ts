/**
 * TlsStep: what every driving call of a TlsSession answers, the next action for the socket
 * layer (rustls style):
 *   done      the handshake is over / n bytes were read or written
 *   want-read feed more ciphertext, or call again at `timerDeadline` (DTLS)
 *   want-verify the verify callback deferred its answer (a Promise); call again once it
 *             settled (`onVerifyAnswer` tells when)
 *   closed    the peer sent close_notify (sticky)
 *   fatal     the session is dead; the error is sticky and says why
 * Its own file so that the answers without a payload are made once, frozen and shared: a
 * session that is waiting answers without allocating.
 */
import type { TlsError } from './errors.js';

/** What a driving call of TlsSession answers, the socket layer's next action (file comment). */
export type TlsStep =
  | { readonly state: 'done'; readonly n: number; /** DTLS read: the record's length before truncation */ readonly full?: number }
  | { readonly state: 'want-read' }
  | { readonly state: 'want-verify' }
  | { readonly state: 'closed' }
  | { readonly state: 'fatal'; readonly error: TlsError };

/** The shared want-read, want-verify and closed steps (file comment). */
export const WANT_READ: TlsStep = Object.freeze({ state: 'want-read' });
export const WANT_VERIFY: TlsStep = Object.freeze({ state: 'want-verify' });
export const CLOSED: TlsStep = Object.freeze({ state: 'closed' });

/** done(n): a fresh step, since its count differs per call. */
export const done = (n: number): TlsStep => ({ state: 'done', n });
