/**
 * A TCP connection secured by policy (AT-TLS): TLS started on a connection that is already
 * open, in the role its rule names, and stopped again (close_notify both ways, then plain text
 * on the same connection). The fd keeps its number: the policy layer swaps this object in for
 * the plain TcpSock and back (ttls.ts). Controls beyond Zephyr: KeyUpdate, a ticket on demand,
 * renegotiation, dropping the cached session.
 */
import * as E from '../errno.js';
import * as C from '../api/constants.js';
import { config } from '../config.js';
import { TLS1_2, TLS1_3, type TlsConfig, type TlsSession } from '../tls/index.js';
import { TlsSock } from './tls.js';
import type { TlsOptions } from './tls_options.js';
import type { TcpSock } from './tcp.js';
import { clientCache } from './tls_state.js';
import { renewRuleServerState, ruleServerState, type TtlsRule } from './ttls_policy.js';

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

export class TtlsSock extends TlsSock {
  /** STOP_CONNECTION was issued: our close_notify went out, the peer's is awaited. */
  stopping = false;
  /** Called once the connection is plain again (stop done, or a tolerated handshake timeout). */
  onPlain: ((tcp: TcpSock) => void) | null = null;
  private allowHsTimeout = false;
  private detached = false;
  private readonly plainNoDelay: unknown;

  constructor(readonly tcp: TcpSock, readonly rule: TtlsRule, readonly transparent: boolean) {
    const nb = tcp.nonblock, nd: { value?: unknown } = {};
    tcp.getsockopt(C.IPPROTO_TCP, C.TCP_NODELAY, nd);
    super(tcp.family, rule.versions?.length === 1 && rule.versions[0] === '1.3' ? C.IPPROTO_TLS_1_3 : C.IPPROTO_TLS_1_2, tcp);
    this.plainNoDelay = nd.value;
    this.nonblock = nb;
    this.rcvtimeo = tcp.rcvtimeo;
    this.sndtimeo = tcp.sndtimeo;
  }

  /** Applies the rule's TLS settings; a negative errno when the rule cannot be used. */
  configure(): number {
    return applyRule(this.rule, this.tls);
  }

  /** Fails the connection at once (alert-less: no session yet), FIN to the peer. */
  refuse(errno: number): void {
    this.fail(errno);
  }

  /** Starts the handshake in the rule's role (INIT_CONNECTION). With `allowHsTimeout` a
   *  handshake that times out before the peer sent anything leaves the connection plain. */
  start(allowHsTimeout = false): void {
    this.allowHsTimeout = allowHsTimeout;
    const peer = this.tcp.peerAddr();
    this.peerKey = peer ? `${peer.addr}|${peer.port}` : '';
    if (this.rule.role === 'client') this.startHandshake('client', null);
    else this.startHandshake('server', ruleServerState(this.rule));
  }

  /** Version limits from the rule, and renegotiation (RESET_CIPHER) allowed on both sides. */
  protected override tune(cfg: TlsConfig): void {
    const v = this.rule.versions;
    if (v && !v.includes('1.3')) cfg.maxVersion = TLS1_2;
    if (v && !v.includes('1.2')) cfg.minVersion = TLS1_3;
    cfg.renegotiation = true;
  }

  protected override handshakeTimeout(): number {
    const s = this.rule.handshakeTimeout ?? 0;
    return s > 0 ? s * 1000 : config.NET_SOCKETS_TLS_CONNECT_TIMEOUT;
  }

  protected override onHandshakeTimeout(): void {
    // ALLOW_HSTIMEOUT: a client that never sent a ClientHello speaks plain text; keep it.
    if (this.allowHsTimeout && this.inBytesSeen === 0) {
      this.returnToPlain();
      return;
    }
    super.onHandshakeTimeout();
  }

  /** Decrypted bytes the application has not read, and bytes it wrote that are not yet on the
   *  connection (STOP_CONNECTION refuses while either is non-zero). */
  get unreadBytes(): number {
    return this.plainBytes;
  }

  get unsentBytes(): number {
    return this.outBytes;
  }

  /** Waits for the handshake: 0 secure, 1 plain again (ALLOW_HSTIMEOUT), or -errno. */
  async handshakeDone(): Promise<number> {
    for (;;) {
      if (this.detached) return 1;
      if (this.phase === 'established') return 0;
      if (this.phase === 'failed') return -(this.error || E.ECONNABORTED);
      await this.wq.wait(null);
    }
  }

  /** Waits until a stop finished: true when the connection is plain again, false if it died. */
  async plainAgain(): Promise<boolean> {
    for (;;) {
      if (this.detached) return true;
      if (this.phase === 'failed' || this.fatal || !this.tcp.established && !this.peerClosed) return false;
      await this.wq.wait(null);
    }
  }

  /** STOP_CONNECTION: sends close_notify. 0 when the connection is plain already (the peer's
   *  close_notify had come), 1 when the peer's close_notify is awaited (onPlain tells). */
  stop(): number {
    this.stopping = true;
    if (this.session && !this.fatal) {
      this.session.closeNotify(Date.now());
      this.push();
    }
    if (this.peerClosed) {
      this.returnToPlain();
      return 0;
    }
    this.changed();
    return 1;
  }

  override process(): void {
    super.process();
    if (this.stopping && this.peerClosed && !this.detached) this.returnToPlain();
  }

  /** TLS 1.3 KeyUpdate (RESET_WRITE_CIPHER); asks the peer to update too. */
  keyUpdate(): number {
    return this.control((s) => s.keyUpdate(true, Date.now()));
  }

  /** TLS 1.3 server: one more NewSessionTicket (SEND_SESSION_TICKET). */
  sendTicket(): number {
    return this.control((s) => s.sendTicket(Date.now()));
  }

  /** TLS 1.2 renegotiation (RESET_CIPHER). */
  renegotiate(): number {
    return this.control((s) => s.renegotiate(Date.now()), true);
  }

  /** RESET_SESSION: the cached session of this peer (client) or the rule's ticket key and cache
   *  (server) are dropped, so the next handshake is a full one. */
  resetSession(): void {
    if (this.rule.role === 'client') clientCache.delete(this.peerKey);
    else renewRuleServerState(this.rule);
  }

  private control(op: (s: TlsSession) => { state: string }, wantReadOk = false): number {
    const s = this.session;
    if (!s || this.phase !== 'established' || this.fatal) return -E.ENOTCONN;
    const st = op(s);
    this.push();
    this.changed();
    if (st.state === 'done' || (wantReadOk && st.state === 'want-read')) return 0;
    return -E.EPROTO;
  }

  /** Hands the connection back as plain TCP: what the session took but did not use goes back
   *  in front of the TCP receive queue. The TLS context is given back. */
  private returnToPlain(): void {
    if (this.detached) return;
    this.detached = true;
    clearTimeout(this.timer);
    this.unsubscribe();
    const rest = this.session?.takeUnread();
    if (rest?.length) this.tcp.unread(rest);
    this.phase = 'idle';
    this.releaseEngine();
    this.tcp.nonblock = this.nonblock; // fcntl/FIONBIO on the secured fd carry over
    this.tcp.setsockopt(C.IPPROTO_TCP, C.TCP_NODELAY, this.plainNoDelay);
    this.closed = true;
    this.wq.wake();
    this.onPlain?.(this.tcp);
  }

  override close(): void {
    if (this.detached) return;
    super.close();
  }
}
