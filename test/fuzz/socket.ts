/**
 * The socket-layer fuzzer: real zsock TLS and DTLS sockets on loopback, each input one
 * handshake through a mutating relay (one chunk of it mutated), beside a good TLS connection
 * that must keep echoing. Every input is bounded: the client's connect must settle within the
 * handshake deadline plus a margin, or it counts as a hang.
 */
import * as Z from '../../src/api/index.js';
import { configure } from '../../src/config.js';
import * as E from '../../src/errno.js';
import { rng } from '../helpers/sessions.js';
import { TAG, tlsClient, tlsListener } from '../helpers/tls.js';
import { lo4, sleep } from '../helpers/zs.js';
import { mutateFlight } from './mutate.js';
import { tcpRelay, udpRelay, type Relay } from './relay.js';
import { type Tally, tally, note } from './tally.js';

/** The handshake deadline the fuzzed sockets get (CONFIG_NET_SOCKETS_TLS_CONNECT_TIMEOUT, ms). */
export const HANDSHAKE_MS = 1000;
/** What an input may take beyond it before it is a hang. */
export const MARGIN_MS = 2500;

const text = (s: string) => new TextEncoder().encode(s);

/** Settles with p's value, or 'timeout' after ms. */
function bounded<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([p, new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), ms); })])
    .finally(() => clearTimeout(timer));
}

interface Rig {
  listener: number; tls: Relay; dtlsServer: number; dtls: Relay;
  good: [number, number]; goodDtls: number; stop: boolean; serving: Promise<void>[];
}

/** The server side: accepts (and closes) every TLS connection, echoes every DTLS record. */
function serve(rig: Rig): void {
  rig.serving.push((async () => {
    while (!rig.stop) {
      const fd = await Z.zsock_accept(rig.listener);
      if (fd >= 0) Z.zsock_close(fd);
      else if (fd === -E.EBADF || fd === -E.EINVAL) return;
    }
  })(), (async () => {
    const buf = new Uint8Array(2048);
    while (!rig.stop) {
      const from = {} as Z.SockAddr;
      const n = await Z.zsock_recvfrom(rig.dtlsServer, buf, 0, from);
      if (n > 0) await Z.zsock_sendto(rig.dtlsServer, buf.subarray(0, n), 0, from);
      else if (n === -E.EBADF) return;
    }
  })());
}

async function setUp(): Promise<Rig> {
  configure({ NET_SOCKETS_TLS_CONNECT_TIMEOUT: HANDSHAKE_MS });
  const [listener, at] = tlsListener([TAG.EC], Z.IPPROTO_TLS_1_2);
  const d = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  Z.zsock_setsockopt(d, Z.SOL_TLS, Z.TLS_DTLS_ROLE, Z.TLS_DTLS_ROLE_SERVER);
  Z.zsock_setsockopt(d, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.EC]);
  Z.zsock_bind(d, lo4());
  const dAt = {} as Z.SockAddr;
  Z.zsock_getsockname(d, dAt);
  // The good connection, direct (no relay), accepted before the accept loop starts.
  const c = tlsClient(Z.IPPROTO_TLS_1_2);
  const [rc, s] = await Promise.all([Z.zsock_connect(c, at), Z.zsock_accept(listener)]);
  if (rc !== 0 || s < 0) throw new Error(`the good connection failed: connect ${rc}, accept ${s}`);
  const rig: Rig = { listener, tls: await tcpRelay(at.port), dtlsServer: d, dtls: await udpRelay(dAt.port), good: [c, s], goodDtls: -1, stop: false, serving: [] };
  serve(rig);
  rig.goodDtls = dtlsClient();
  const drc = await bounded(Z.zsock_connect(rig.goodDtls, dAt), 5000);
  if (drc !== 0) throw new Error(`the good DTLS connection failed: ${drc}`);
  return rig;
}

/** A DTLS client socket trusting the test CA, with short retransmission timers. */
function dtlsClient(): number {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.CA]);
  Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_HOSTNAME, 'localhost');
  Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_TIMEOUT_MIN, 100);
  Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_TIMEOUT_MAX, 400);
  return fd;
}

/** The good TLS and DTLS connections each echo one message within 2 s; null when healthy. */
async function goodEcho(rig: Rig, i: number): Promise<string | null> {
  const msg = text(`good ${i}`), buf = new Uint8Array(64);
  const [c, s] = rig.good;
  if (await Z.zsock_send(c, msg, 0) !== msg.length) return 'TLS send failed';
  const n = await bounded(Z.zsock_recv(s, buf, 0), 2000);
  if (n !== msg.length) return `TLS recv ${n}`;
  if (await Z.zsock_send(rig.goodDtls, msg, 0) !== msg.length) return 'DTLS send failed';
  const d = await bounded(Z.zsock_recv(rig.goodDtls, buf, 0), 2000);
  return d === msg.length ? null : `DTLS echo ${d}`;
}

/** One fuzzed handshake (TLS 1.2, TLS 1.3 or DTLS 1.2); its outcome, or 'hang'. */
async function input(rig: Rig, i: number, seed: number): Promise<string> {
  const r = rng((seed + i * 0x9e3779b1) >>> 0);
  const kind = (['tls12', 'tls13', 'dtls12'] as const)[r.below(3)];
  const dg = kind === 'dtls12';
  const relay = dg ? rig.dtls : rig.tls;
  relay.arm(r.below(dg ? 8 : 6), (chunks) => mutateFlight(r, chunks, dg).flight);
  const fd = dg ? dtlsClient() : tlsClient(kind === 'tls13' ? Z.IPPROTO_TLS_1_3 : Z.IPPROTO_TLS_1_2);
  try {
    const rc = await bounded(Z.zsock_connect(fd, lo4(relay.port)), HANDSHAKE_MS + MARGIN_MS);
    if (rc === 'timeout') return 'hang';
    if (rc !== 0) return `${kind}:connect:${rc}`;
    const echoed = dg ? await bounded(Z.zsock_send(fd, text('x'), 0).then(() => Z.zsock_recv(fd, new Uint8Array(8), 0)), 1000) : 1;
    return `${kind}:connected${echoed === 1 ? '' : `:echo ${echoed}`}`;
  } finally {
    Z.zsock_close(fd);
    relay.drop();
  }
}

/** Runs socket inputs until `deadline` (or input `only`); closes everything it opened. */
export async function fuzzSockets(seed: number, deadline: number, only?: number): Promise<Tally> {
  const t = tally('sockets', seed);
  const rig = await setUp();
  try {
    for (let i = only ?? 0; only === undefined ? Date.now() < deadline : i === only; i++) {
      const out = await input(rig, i, seed);
      note(t, out);
      t.inputs++;
      if (out === 'hang') { t.hangs++; t.failures.push({ input: i, what: 'connect did not settle within the handshake deadline' }); }
      const sick = await goodEcho(rig, i);
      if (sick) { t.unhealthy++; t.failures.push({ input: i, what: `good connection: ${sick}` }); }
      if (t.failures.length >= 5) break;
    }
    // A new honest client still gets served, over TLS and DTLS, after the run.
    rig.tls.arm(-1, (c) => c);
    const fresh = tlsClient(Z.IPPROTO_TLS_1_3);
    const rc = await bounded(Z.zsock_connect(fresh, lo4(rig.tls.port)), HANDSHAKE_MS + MARGIN_MS);
    Z.zsock_close(fresh);
    if (rc !== 0) { t.unhealthy++; t.failures.push({ input: -1, what: `a new honest TLS client after the run: ${rc}` }); }
  } finally {
    rig.stop = true;
    await rig.tls.close();
    await rig.dtls.close();
    for (const fd of [...rig.good, rig.goodDtls, rig.listener, rig.dtlsServer]) Z.zsock_close(fd);
    await bounded(Promise.all(rig.serving), 2000);
    await sleep(10);
  }
  return t;
}
