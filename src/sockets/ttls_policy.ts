/**
 * TLS policy (the AT-TLS model): a table of rules, set by the application or loaded from a JSON
 * file, that says which TCP connections get TLS and how. A connection is mapped to its rule
 * when it connects (outbound) or is accepted (inbound): the matching rule with the highest
 * priority wins (ties: the earlier rule). A rule with `enabled` and not `applicationControlled`
 * secures the connection transparently; with `applicationControlled` the application starts
 * TLS itself (SIOCTTLSCTL INIT_CONNECTION, zsock_tls_handshake_start).
 */
import * as E from '../errno.js';
import { files } from '../platform.js';
import { canonical } from './addr.js';
import * as C from '../constants.js';
import { TlsServerState } from '../tls/index.js';
import type { SockAddr } from './addr.js';

/** AT-TLS HandshakeRole. */
export type TtlsRole = 'client' | 'server' | 'server-with-client-auth';
/** Which connections a rule maps: outbound (connect), inbound (accept), or both. */
export type TtlsDirection = 'inbound' | 'outbound' | 'both';
type PortMatch = number | [number, number];

/** One rule of the table. Addresses are numeric (IPv4 or IPv6); ports a number or [lo, hi]. */
export interface TtlsRule {
  name: string;
  priority?: number;
  direction?: TtlsDirection;
  localAddr?: string;
  localPort?: PortMatch;
  remoteAddr?: string;
  remotePort?: PortMatch;
  /** TTLSEnabled: TLS for matching connections at all. */
  enabled: boolean;
  /** ApplicationControlled: the application decides when TLS starts and stops. */
  applicationControlled?: boolean;
  /** HandshakeRole. */
  role: TtlsRole;
  /** HandshakeTimeout in seconds; 0 means CONFIG_NET_SOCKETS_TLS_CONNECT_TIMEOUT applies. */
  handshakeTimeout?: number;
  /** Security tags of the credentials (TLS_SEC_TAG_LIST). */
  secTags?: number[];
  /** IANA ciphersuite ids (TLS_CIPHERSUITE_LIST). */
  ciphersuites?: number[];
  /** Protocol versions allowed: any of '1.2', '1.3' (default both). */
  versions?: ('1.2' | '1.3')[];
  /** Client: the server name for SNI and certificate checks (TLS_HOSTNAME). */
  hostname?: string;
  /** Client: TLS_PEER_VERIFY (0 none, 1 optional, 2 required; default required). */
  peerVerify?: number;
}

let rules: TtlsRule[] = [];
const serverStates = new Map<TtlsRule, TlsServerState>();

/** Replaces the policy table. -EINVAL (and the table unchanged) when a rule is malformed. */
export function setPolicy(table: unknown): number {
  if (!Array.isArray(table) || !table.every(validRule)) return -E.EINVAL;
  for (const s of serverStates.values()) s.free();
  serverStates.clear();
  rules = table.map((r) => ({ ...r }));
  return 0;
}

/** Loads the policy table from a JSON file (an array of rules, or { rules: [...] }).
 *  -ENOENT without the file (or a file system), -EINVAL for bad JSON or a bad rule. */
export function loadPolicy(path: string): number {
  if (typeof path !== 'string') return -E.EFAULT;
  const text = files.read(path);
  if (text === null) return -E.ENOENT;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return -E.EINVAL;
  }
  const table = Array.isArray(doc) ? doc : (doc as { rules?: unknown })?.rules;
  return setPolicy(table);
}

/** Rules in the table (0: AT-TLS is off). */
export function policySize(): number {
  return rules.length;
}

/** The table as set (copies). */
export function getPolicy(): TtlsRule[] {
  return rules.map((r) => ({ ...r }));
}

/** The rule for a connection, or null when none matches. */
export function mapRule(direction: 'inbound' | 'outbound', local: SockAddr | null, remote: SockAddr | null): TtlsRule | null {
  let best: TtlsRule | null = null;
  for (const r of rules) {
    if (r.direction && r.direction !== 'both' && r.direction !== direction) continue;
    if (!addrMatches(r.localAddr, local) || !portMatches(r.localPort, local)) continue;
    if (!addrMatches(r.remoteAddr, remote) || !portMatches(r.remotePort, remote)) continue;
    if (!best || (r.priority ?? 0) > (best.priority ?? 0)) best = r;
  }
  return best;
}

/** The shared server state (ticket key, session cache) of a rule's server connections. */
export function ruleServerState(rule: TtlsRule): TlsServerState {
  let s = serverStates.get(rule);
  if (!s) serverStates.set(rule, (s = new TlsServerState()));
  return s;
}

/** RESET_SESSION on a server: a new ticket key and cache, so no earlier session resumes. */
export function renewRuleServerState(rule: TtlsRule): void {
  serverStates.get(rule)?.free();
  serverStates.delete(rule);
}

function addrMatches(want: string | undefined, a: SockAddr | null): boolean {
  if (want === undefined) return true;
  if (!a) return false;
  const fam = familyOf(want);
  return fam === a.family && canonical({ family: fam, addr: want, port: 0 }, fam) === canonical({ ...a, port: 0 }, fam);
}

function portMatches(want: PortMatch | undefined, a: SockAddr | null): boolean {
  if (want === undefined) return true;
  if (!a) return false;
  return typeof want === 'number' ? a.port === want : a.port >= want[0] && a.port <= want[1];
}

const familyOf = (a: string) => (a.includes(':') ? C.AF_INET6 : C.AF_INET);
const isPort = (p: unknown) => Number.isInteger(p) && (p as number) >= 0 && (p as number) <= 65535;

function validRule(r: unknown): r is TtlsRule {
  const x = r as TtlsRule;
  if (!x || typeof x !== 'object' || typeof x.name !== 'string' || typeof x.enabled !== 'boolean') return false;
  if (!['client', 'server', 'server-with-client-auth'].includes(x.role)) return false;
  if (x.direction !== undefined && !['inbound', 'outbound', 'both'].includes(x.direction)) return false;
  if (x.priority !== undefined && !Number.isInteger(x.priority)) return false;
  if (x.applicationControlled !== undefined && typeof x.applicationControlled !== 'boolean') return false;
  for (const a of [x.localAddr, x.remoteAddr]) {
    if (a !== undefined && (typeof a !== 'string' || !canonical({ family: familyOf(a), addr: a, port: 0 }, familyOf(a)))) return false;
  }
  for (const p of [x.localPort, x.remotePort]) {
    if (p === undefined) continue;
    const ok = isPort(p) || (Array.isArray(p) && p.length === 2 && isPort(p[0]) && isPort(p[1]) && p[0] <= p[1]);
    if (!ok) return false;
  }
  if (x.handshakeTimeout !== undefined && (typeof x.handshakeTimeout !== 'number' || !(x.handshakeTimeout >= 0))) return false;
  if (x.secTags !== undefined && !(Array.isArray(x.secTags) && x.secTags.every(Number.isInteger))) return false;
  if (x.ciphersuites !== undefined && !(Array.isArray(x.ciphersuites) && x.ciphersuites.every(Number.isInteger))) return false;
  if (x.versions !== undefined && !(Array.isArray(x.versions) && x.versions.length > 0 && x.versions.every((v) => v === '1.2' || v === '1.3'))) return false;
  if (x.hostname !== undefined && typeof x.hostname !== 'string') return false;
  if (x.peerVerify !== undefined && ![0, 1, 2].includes(x.peerVerify)) return false;
  return true;
}
