/**
 * Policy mapping of TCP connections, and securing or unsecuring one in place: the fd keeps its
 * number while the object behind it changes from a TcpSock to a TtlsSock and back. Used by the
 * SIOCTTLSCTL ioctl (ttls_ioctl.ts), the asynchronous handshake and the transparent mode.
 */
import * as E from '../errno.js';
import * as C from '../api/constants.js';
import type { FdTable } from './fdtable.js';
import type { Sock } from './socket.js';
import { TcpSock } from './tcp.js';
import { TtlsSock, applyRule } from './ttls_sock.js';
import { TlsOptions } from './tls_options.js';
import { contexts } from './tls_state.js';
import { mapRule, policySize, type TtlsRule } from './ttls_policy.js';

/** What mapping found for one connection. */
export interface Mapping {
  rule: TtlsRule | null;
  policyStatus: number;
  /** The rule's TLS settings cannot be applied (a sec tag without credentials, ...). */
  configError: number;
}

const mappings = new WeakMap<TcpSock, Mapping>();
const accepted = new WeakSet<TcpSock>();
const looked = new WeakSet<TcpSock>(); // seen established by autoSecure (and not transparent)

/** Marks a connection as accepted (inbound) for mapping. */
export function noteAccepted(tcp: TcpSock): void {
  accepted.add(tcp);
}

/** The mapping of an established connection, made now if it was not yet (`fresh` tells). */
export function mapping(tcp: TcpSock): { m: Mapping; fresh: boolean } {
  const had = mappings.get(tcp);
  if (had) return { m: had, fresh: false };
  const rule = ruleFor(tcp);
  const m: Mapping = { rule, policyStatus: policyStatus(rule), configError: rule ? applyRule(rule, new TlsOptions()) : 0 };
  mappings.set(tcp, m);
  return { m, fresh: true };
}

function ruleFor(tcp: TcpSock): TtlsRule | null {
  return policySize() ? mapRule(accepted.has(tcp) ? 'inbound' : 'outbound', tcp.localAddr(), tcp.peerAddr()) : null;
}

function policyStatus(rule: TtlsRule | null): number {
  if (!policySize()) return C.TTLS_POL_OFF; // an empty table: AT-TLS is off
  if (!rule) return C.TTLS_POL_NO_POLICY;
  if (!rule.enabled) return C.TTLS_POL_NOT_ENABLED;
  return rule.applicationControlled ? C.TTLS_POL_APPLCNTRL : C.TTLS_POL_ENABLED;
}

/** Starts TLS on the connection behind fd in its rule's role: the fd now holds a TtlsSock
 *  (handshake under way). When it turns plain again (STOP_CONNECTION, a tolerated handshake
 *  timeout) the TcpSock goes back behind the fd. -ENOMEM without a free TLS context. */
export function secure(table: FdTable<Sock>, fd: number, tcp: TcpSock, rule: TtlsRule, transparent: boolean,
  allowHsTimeout = false): TtlsSock | number {
  if (!contexts.take()) return -E.ENOMEM;
  const t = new TtlsSock(tcp, rule, transparent);
  const e = t.configure();
  if (e < 0 && !transparent) {
    t.close();
    return e;
  }
  table.replace(fd, t);
  if (e < 0) {
    t.refuse(E.ECONNABORTED); // the policy demands TLS it cannot give: no plain text leaks
    return t;
  }
  t.onPlain = (plain) => {
    if (table.get(fd) === t) table.replace(fd, plain);
  };
  t.start(allowHsTimeout);
  return t;
}

/** Transparent mode: a connection whose rule has TLS on and application control off is
 *  secured as soon as it is seen established. Returns what is behind fd afterwards. */
export function autoSecure(table: FdTable<Sock>, fd: number, s: Sock): Sock {
  if (!(s instanceof TcpSock) || s.state !== 'connected' || looked.has(s) || mappings.has(s) || !policySize()) return s;
  looked.add(s);
  // Only a transparent rule maps now; otherwise mapping waits for the application's first
  // SIOCTTLSCTL, which then reports a mapping failure (EMVSERR) as AT-TLS does.
  const rule = ruleFor(s);
  if (!rule?.enabled || rule.applicationControlled) return s;
  const { m } = mapping(s);
  const t = secure(table, fd, s, m.rule!, true);
  return typeof t === 'number' ? s : t;
}
