/**
 * Policy mapping of TCP connections and securing one in place (AT-TLS): a connection is mapped
 * to its rule once, when its connect completes or accept hands it out (the hook in tcp.ts); a
 * transparent rule attaches a TLS layer right then; an application-controlled one waits for
 * SIOCTTLSCTL INIT_CONNECTION or zsock_tls_handshake_start. STOP_CONNECTION detaches the layer
 * and the connection is plain again. The fd and its socket object never change.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import { TLS1_2, TLS1_3, TlsError, type TlsSession } from '../tls/index.js';
import { TcpSock, onEstablished } from './tcp.js';
import { TlsOptions } from './tls_options.js';
import { TlsLayer } from './tls_layer.js';
import { contexts, clientCache, sessionKey } from './tls_state.js';
import { mapRule, policySize, renewRuleServerState, ruleServerState, type TtlsRule } from './ttls_policy.js';

/** What mapping found for one connection (kept on the socket: TcpSock.policy). */
export interface Mapping {
  direction: 'inbound' | 'outbound';
  rule: TtlsRule | null;
  policyStatus: number;
  /** The rule's TLS settings cannot be applied (a sec tag without credentials, ...). */
  configError: number;
  /** The application has asked about this mapping (EMVSERR is reported on the first ask). */
  seen: boolean;
  /** TCP_NODELAY before TLS turned it on (restored when the connection is plain again). */
  plainNoDelay?: unknown;
}

const NOT_MAPPED: Mapping = { direction: 'outbound', rule: null, policyStatus: C.TTLS_POL_OFF, configError: 0, seen: true };

/** The mapping of a connection (an unmapped one, e.g. a TLS socket's own, reads as policy off). */
export function mappingOf(tcp: TcpSock): Mapping {
  return (tcp.policy as Mapping | null) ?? NOT_MAPPED;
}

/** A rule's TLS settings into `tls`, through the same validation as setsockopt: 0, or the
 *  errno of the first that cannot be used (a sec tag without credentials, a bad ciphersuite). */
export function applyRule(r: TtlsRule, tls: TlsOptions): number {
  // Sessions are cached (client: by peer; server: the rule's cache and tickets), as AT-TLS
  // does; RESET_SESSION drops them.
  const steps: [number, unknown][] = [[C.TLS_SESSION_CACHE, C.TLS_SESSION_CACHE_ENABLED]];
  if (r.secTags?.length) steps.push([C.TLS_SEC_TAG_LIST, r.secTags]);
  if (r.ciphersuites?.length) steps.push([C.TLS_CIPHERSUITE_LIST, r.ciphersuites]);
  if (r.role === 'client' && r.hostname !== undefined) steps.push([C.TLS_HOSTNAME, r.hostname]);
  if (r.role === 'client' && r.peerVerify !== undefined) steps.push([C.TLS_PEER_VERIFY, r.peerVerify]);
  if (r.role === 'server-with-client-auth') steps.push([C.TLS_PEER_VERIFY, C.TLS_PEER_VERIFY_REQUIRED]);
  for (const [name, value] of steps) {
    const e = tls.set(name, value);
    if (e < 0) return e;
  }
  return 0;
}

function policyStatus(rule: TtlsRule | null): number {
  if (!policySize()) return C.TTLS_POL_OFF; // an empty table: AT-TLS is off
  if (!rule) return C.TTLS_POL_NO_POLICY;
  if (!rule.enabled) return C.TTLS_POL_NOT_ENABLED;
  return rule.applicationControlled ? C.TTLS_POL_APPLCNTRL : C.TTLS_POL_ENABLED;
}

/** Maps a connection the moment it is established (installed as tcp.ts's hook). */
function mapConnection(tcp: TcpSock, direction: 'inbound' | 'outbound'): void {
  if (tcp.policy || !policySize()) return;
  const rule = mapRule(direction, tcp.localAddr(), tcp.peerAddr());
  const m: Mapping = { direction, rule, policyStatus: policyStatus(rule), configError: 0, seen: false };
  if (rule) m.configError = applyRule(rule, new TlsOptions());
  tcp.policy = m;
  if (rule?.enabled && !rule.applicationControlled) {
    // Transparent: TLS now; a rule that cannot be applied fails the connection (no plain text leaks).
    if (secure(tcp, false) < 0) refuse(tcp);
  }
}
onEstablished(mapConnection);

/** The connection cannot be secured as its policy demands: it fails (FIN), nothing plain passes. */
function refuse(tcp: TcpSock): void {
  tcp.error = E.ECONNABORTED;
  tcp.state = 'failed';
  tcp.finish();
  tcp.changed();
}

/** Starts TLS on the connection in its rule's role (INIT_CONNECTION, a transparent rule, an
 *  asynchronous handshake). With `allowHsTimeout` a handshake that times out before the peer
 *  sent anything leaves the connection plain. 0, -ENOMEM without a free TLS context, or the
 *  errno of a rule that cannot be applied. */
export function secure(tcp: TcpSock, allowHsTimeout: boolean): number {
  const m = mappingOf(tcp), rule = m.rule;
  if (!rule) return -E.EOPNOTSUPP;
  const opts = new TlsOptions();
  const e = applyRule(rule, opts);
  if (e < 0) return e;
  if (tcp.layer) { // a failed earlier attempt: its session and context go first
    tcp.layer.close();
    plainAgain(tcp);
  }
  const ctx = contexts.take(m.direction === 'inbound');
  if (!ctx) return -E.ENOMEM;
  const role = rule.role === 'client' ? 'client' : 'server';
  const cfg = opts.engineConfig(role, false);
  if (rule.versions && !rule.versions.includes('1.3')) cfg.maxVersion = TLS1_2;
  if (rule.versions && !rule.versions.includes('1.2')) cfg.minVersion = TLS1_3;
  cfg.renegotiation = true; // RESET_CIPHER, on both sides
  const key = sessionKey(tcp.peerAddr());
  if (role === 'client' && key !== null) cfg.session = clientCache.get(key);
  else cfg.serverState = { handle: ruleServerState(rule).handle, tickets: true, cache: true };
  const nd: { value?: unknown } = {};
  tcp.getsockopt(C.IPPROTO_TCP, C.TCP_NODELAY, nd);
  m.plainNoDelay = nd.value;
  tcp.setsockopt(C.IPPROTO_TCP, C.TCP_NODELAY, 1); // whole flights, no Nagle stall
  try {
    tcp.ctx = ctx;
    tcp.tls = opts;
    tcp.layer = new TlsLayer(tcp.transport, tcp, {
      config: cfg,
      handshakeTimeout: (rule.handshakeTimeout ?? 0) > 0 ? rule.handshakeTimeout! * 1000 : config.NET_SOCKETS_TLS_CONNECT_TIMEOUT,
      detachOnSilentTimeout: allowHsTimeout,
      onSession: role === 'client' && key !== null ? (saved) => clientCache.set(key, saved) : undefined,
      onDetach: () => plainAgain(tcp),
    });
  } catch (err) {
    plainAgain(tcp);
    return err instanceof TlsError ? -err.errno : -E.EINVAL;
  }
  return 0;
}

/** The layer is gone: the connection is plain TCP again, its TLS context given back. */
function plainAgain(tcp: TcpSock): void {
  tcp.layer = null;
  tcp.tls = null;
  tcp.ctx?.release();
  tcp.ctx = null;
  tcp.setsockopt(C.IPPROTO_TCP, C.TCP_NODELAY, mappingOf(tcp).plainNoDelay ?? 0);
  tcp.changed();
}

/** Waits until a stop finished: true when the connection is plain again, false if it died. */
export async function stopped(tcp: TcpSock): Promise<boolean> {
  const r = await tcp.block(() => {
    const L = tcp.layer;
    if (!L) return tcp.established ? 1 : 0;
    return L.state === 'failed' || !tcp.established && !L.peerClosed ? 0 : null;
  }, 0, false);
  return r === 1;
}

/** TLS 1.3 KeyUpdate (RESET_WRITE_CIPHER); asks the peer to update too. */
export function keyUpdate(tcp: TcpSock): number {
  return tcp.layer?.control((s: TlsSession) => s.keyUpdate(true, Date.now())) ?? -E.ENOTCONN;
}

/** TLS 1.3 server: one more NewSessionTicket (SEND_SESSION_TICKET). */
export function sendTicket(tcp: TcpSock): number {
  return tcp.layer?.control((s: TlsSession) => s.sendTicket(Date.now())) ?? -E.ENOTCONN;
}

/** TLS 1.2 renegotiation (RESET_CIPHER). */
export function renegotiate(tcp: TcpSock): number {
  return tcp.layer?.control((s: TlsSession) => s.renegotiate(Date.now()), true) ?? -E.ENOTCONN;
}

/** RESET_SESSION: the cached session of this peer (client) or the rule's ticket key and cache
 *  (server) are dropped, so the next handshake is a full one. Connections running on the old
 *  server state keep it until they end (the core counts references). */
export function resetSession(tcp: TcpSock): void {
  const rule = mappingOf(tcp).rule;
  if (!rule) return;
  if (rule.role !== 'client') {
    renewRuleServerState(rule);
    return;
  }
  const key = sessionKey(tcp.peerAddr());
  if (key !== null) clientCache.delete(key);
}
