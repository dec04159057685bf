/** Arena accounting: per-session bytes are measured, and everything returns on free(). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TLS1_2, TLS1_3, TlsServerState, contentLimit } from '../../src/tls/index.js';
import { getCore } from '../../src/tls/wasm.js'; // internal: the core behind the engine
import { pki } from '../helpers/pki.js';
import { handshake, flush } from '../helpers/pump.js';
import { session, freeAll } from '../helpers/sessions.js';

test.after.each(freeAll);

test('a session counts its own arena bytes; free() returns them all', () => {
  // PSA's dynamic key store allocates its first slice with the first key and keeps it: one
  // handshake first, so the suite measures the same when it runs alone as after others.
  const w = [session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' }), session({ role: 'server', certs: [pki.serverEc()] })];
  handshake(w[0], w[1]);
  w.forEach((x) => x.free());
  const before = getCore().arena().used;
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  const created = c.memory().current + s.memory().current;
  assert.is(getCore().arena().used - before, created, 'the two sessions account for every byte');
  handshake(c, s);
  flush(c, s);
  const after = c.memory().current + s.memory().current;
  assert.is(getCore().arena().used - before, after, 'still exact after the handshake');
  assert.ok(c.memory().peak >= c.memory().current && s.memory().peak > s.memory().current, 'peaks include handshake transients');
  c.free();
  s.free();
  assert.is(getCore().arena().used, before);
  assert.equal(c.memory(), { current: 0, peak: 0 });
});

/** The profile's budget per context, told apart by the core's record sizes: the full profile's
 *  two 16 KB record buffers, or the embedded profile's 4 KB in and 2 KB out within 16 KB idle and
 *  28 KB at its peak (boards/README.md), which keeps its buffers while idle
 *  (ZSOCK_TLS_IDLE_BUF_LEN 0: the board's fixed arena holds every context's anyway). */
const FULL = contentLimit() >= 16384;
const BUDGET = FULL ? { profile: 'full', idle: [33000, 60000], peak: 90000 } : { profile: 'embedded', idle: [6144, 16384], peak: 28672 };

test(`footprint per context is within the ${BUDGET.profile} profile budget`, () => {
  for (const v of [TLS1_2, TLS1_3]) {
    const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: v });
    const s = session({ role: 'server', certs: [pki.serverEc()] });
    handshake(c, s);
    flush(c, s);
    for (const [who, m] of [['client', c.memory()], ['server', s.memory()]] as const) {
      // The record buffers dominate; anything far beyond means a leak or a bad config.
      assert.ok(m.current > BUDGET.idle[0] && m.current < BUDGET.idle[1], `TLS ${v.toString(16)} ${who} idle: ${m.current}`);
      assert.ok(m.peak < BUDGET.peak, `TLS ${v.toString(16)} ${who} peak: ${m.peak}`);
    }
  }
});

test(`an idle connection ${FULL ? 'gives its record buffers back; a full record takes them again, no more' : 'keeps its record buffers (embedded profile)'}`, () => {
  for (const v of [TLS1_2, TLS1_3]) {
    const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: v });
    const s = session({ role: 'server', certs: [pki.serverEc()] });
    const created = c.memory().current; // both record buffers at their full size
    handshake(c, s);
    flush(c, s);
    const rd = new Uint8Array(20000);
    assert.is(c.read(rd, Date.now()).state, 'want-read');
    const idle = c.memory().current, peak = c.memory().peak;
    if (FULL) assert.ok(idle < created, `TLS ${v.toString(16)} idle ${idle} < created ${created}`);
    // The largest record the peer may send (and our largest to send) both need the full buffers.
    const big = new Uint8Array(contentLimit('in')).map((_, i) => i * 7);
    for (let sent = 0; sent < big.length;) sent += (s.write(big.subarray(sent), Date.now()) as { n: number }).n;
    flush(s, c);
    let got = 0;
    for (let r = c.read(rd, Date.now()); r.state === 'done'; r = c.read(rd.subarray(got), Date.now())) got += r.n;
    assert.is(got, big.length);
    assert.equal(rd.subarray(0, got), big);
    // Idle again: the same blocks, each possibly rounded up by less than the allocator's header
    // plus alignment (36 bytes on wasm32), which it never leaves as a fragment; what holes the
    // arena has (other suites', a freed handshake's) decides that, not this context.
    const again = c.memory().current;
    assert.ok(Math.abs(again - idle) < 2 * 36, `idle again after the records are read: ${again}, was ${idle}`);
    assert.ok(c.memory().peak <= Math.max(peak, created + 64), 'regrowing holds no more than a full context');
    assert.is((c.write(big, Date.now()) as { n: number }).n > 0, true);
    flush(c, s);
    // Full record buffers while a write may be pending: grown again from idle with the full
    // profile (the context holds less than when it was created: no handshake state, nor a parsed
    // certificate, since wasm/zs_idle.c); never shrunk with the embedded one.
    const grown = c.memory().current - idle;
    if (FULL) assert.ok(grown > contentLimit('in') + contentLimit('out'), `full buffers while a write may be pending: +${grown}`);
    else assert.ok(Math.abs(grown) < 2 * 36, `the same buffers while a write may be pending: ${grown}`);
    freeAll();
  }
});

test('an idle TLS 1.3 client frees its handshake state; later tickets, the peer certificate and resumption still work', () => {
  const st = new TlsServerState();
  const idleClient = (v: number, resume?: Uint8Array) => {
    const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: v, session: resume });
    const s = session({ role: 'server', certs: [pki.serverEc()], serverState: { handle: st.handle, tickets: true, cache: false } });
    handshake(c, s);
    flush(c, s);
    assert.is(c.read(new Uint8Array(16), Date.now()).state, 'want-read');
    return { c, s };
  };
  try {
    const tls12 = idleClient(TLS1_2).c.memory().current; // mbedTLS frees TLS 1.2's in its last step
    const { c, s } = idleClient(TLS1_3);
    const idle = c.memory().current;
    // mbedTLS 3.6 keeps a TLS 1.3 client's handshake parameters (about 1.5 KB) for the context's
    // life, and both versions kept the peer's certificate parsed (wasm/zs_idle.c)
    assert.ok(idle < tls12 + 512, `TLS 1.3 client idle ${idle}, TLS 1.2 ${tls12}`);
    assert.is(c.ticketsReceived, 1);
    assert.equal(c.peerCertificate, pki.serverEc().cert);
    assert.is(s.sendTicket(Date.now()).state, 'done');
    flush(s, c);
    assert.is(c.read(new Uint8Array(16), Date.now()).state, 'want-read');
    assert.is(c.ticketsReceived, 2, 'a ticket after the handshake state was freed');
    assert.ok(c.memory().current < idle + 128, 'freed again after the ticket');
    assert.equal(c.peerCertificate, pki.serverEc().cert);
    const r = idleClient(TLS1_3, c.saveSession()!);
    assert.is(r.s.resumed, true, 'the later ticket resumes');
  } finally {
    freeAll();
    st.free();
  }
});

test('server state (tickets, cache, cookies) is freed with its owner', () => {
  const before = getCore().arena().used;
  const st = new TlsServerState();
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: TLS1_2 });
  const s = session({ role: 'server', certs: [pki.serverEc()], serverState: { handle: st.handle, tickets: true, cache: true } });
  handshake(c, s);
  freeAll();
  st.free();
  assert.is(getCore().arena().used, before);
});

test('a freed session refuses every call cleanly', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
  c.free();
  c.free(); // idempotent
  for (const step of [c.handshake(Date.now()), c.read(new Uint8Array(4), Date.now()), c.write(new Uint8Array(4), Date.now()), c.closeNotify(Date.now())]) {
    assert.is(step.state, 'fatal');
  }
  assert.is(c.ciphersuite, 0);
  assert.is(c.saveSession(), null);
});

test.run();
