/** After the handshake: TLS 1.3 KeyUpdate both ways, NewSessionTicket on demand, the
 *  key-exchange group, a verify callback that defers, and the unread tail after close_notify. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TLS1_2, TLS1_3, TlsServerState, type TlsSession, type TlsConfig } from '../../src/tls/index.js';
import { ENOTSUP } from '../../src/errno.js';
import { pki } from '../helpers/pki.js';
import { handshake, flush } from '../helpers/pump.js';
import { session, freeAll } from '../helpers/sessions.js';

let state: TlsServerState;
test.before.each(() => { state = new TlsServerState(); });
test.after.each(() => { freeAll(); state.free(); });

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function pair(version: number, client: Partial<TlsConfig> = {}, server: Partial<TlsConfig> = {}) {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: version, maxVersion: version, ...client });
  const s = session({ role: 'server', certs: [pki.serverEc()], serverState: { handle: state.handle, tickets: true, cache: false }, ...server });
  const r = handshake(c, s);
  assert.is(r.client.state, 'done');
  assert.is(r.server.state, 'done');
  return { c, s };
}

/** a writes `text`, b reads it back (after everything pending moved both ways). */
function say(a: TlsSession, b: TlsSession, text: string): string {
  assert.is(a.write(enc(text), Date.now()).state, 'done');
  flush(a, b);
  const buf = new Uint8Array(256);
  const r = b.read(buf, Date.now());
  assert.is(r.state, 'done', `read: ${JSON.stringify(r)}`);
  return dec(buf.subarray(0, (r as { n: number }).n));
}

test('KeyUpdate from the client: the server follows to the new key, data flows both ways', () => {
  const { c, s } = pair(TLS1_3);
  assert.is(say(c, s, 'before'), 'before');
  assert.is(c.keyUpdate(false, Date.now()).state, 'done');
  assert.ok(c.pendingOutput > 0, 'the KeyUpdate record is queued');
  assert.is(say(c, s, 'after update'), 'after update');
  assert.is(s.keyUpdatesReceived, 1);
  assert.is(say(s, c, 'server still on its old key'), 'server still on its old key');
  assert.is(c.keyUpdatesReceived, 0);
});

test('KeyUpdate with update_requested: the peer answers with its own, three updates in a row', () => {
  const { c, s } = pair(TLS1_3);
  for (let i = 1; i <= 3; i++) {
    assert.is(s.keyUpdate(true, Date.now()).state, 'done');
    assert.is(say(s, c, `round ${i}`), `round ${i}`);
    assert.is(c.keyUpdatesReceived, i);
    // the client answered while reading; its answer reaches the server with the next data
    assert.is(say(c, s, `reply ${i}`), `reply ${i}`);
    assert.is(s.keyUpdatesReceived, i);
  }
});

test('a tampered KeyUpdate record kills only that session, with an alert', () => {
  const { c, s } = pair(TLS1_3);
  assert.is(c.keyUpdate(false, Date.now()).state, 'done');
  const [rec] = c.drain();
  rec[rec.length - 1] ^= 1; // the AEAD tag
  s.feed(rec);
  const r = s.read(new Uint8Array(16), Date.now());
  assert.is(r.state, 'fatal');
  assert.ok(s.pendingOutput > 0, 'an alert goes out');
});

test('KeyUpdate and tickets on demand need TLS 1.3 (ENOTSUP, the session lives on)', () => {
  const { c, s } = pair(TLS1_2);
  for (const st of [c.keyUpdate(false, Date.now()), s.sendTicket(Date.now())]) {
    assert.is(st.state, 'fatal');
    assert.is((st as { error: { errno: number } }).error.errno, ENOTSUP);
  }
  assert.is(say(c, s, 'still fine'), 'still fine');
});

test('NewSessionTicket on demand: the client receives one more each time', () => {
  const { c, s } = pair(TLS1_3);
  flush(s, c);
  c.read(new Uint8Array(16), Date.now());
  const first = c.ticketsReceived;
  assert.ok(first >= 1);
  for (let i = 1; i <= 2; i++) {
    assert.is(s.sendTicket(Date.now()).state, 'done');
    assert.is(say(s, c, `t${i}`), `t${i}`);
    assert.is(c.ticketsReceived, first + i);
  }
  assert.is(c.sendTicket(Date.now()).state, 'fatal', 'a client cannot send tickets');
  assert.is(say(c, s, 'alive'), 'alive');
});

test('the key-exchange group is reported: x25519 by default, P-256 when the client asks only for it', () => {
  const a = pair(TLS1_3);
  assert.is(a.c.group, 29);
  assert.is(a.s.group, 29);
  const p = pair(TLS1_3, { groups: [23] });
  assert.is(p.c.group, 23, 'groups: P-256 only');
  assert.is(p.s.group, 23);
  assert.throws(() => session({ role: 'client', groups: [25] }), /groups/);
  const b = pair(TLS1_2, {}, {});
  assert.ok([23, 29].includes(b.c.group), `TLS 1.2 group ${b.c.group}`);
  assert.is(b.c.group, b.s.group);
});

test('a deferred verify answer pauses the handshake; accept continues, reject fails with an alert', async () => {
  for (const verdict of [0, 0x08]) {
    let answer: (flags: number) => void = () => {};
    let calls = 0;
    const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', verifyCallback: () => {
      calls++;
      return new Promise<number>((res) => { answer = res; });
    } });
    const s = session({ role: 'server', certs: [pki.serverEc()] });
    let woke = 0;
    c.onVerifyAnswer = () => woke++;
    const r = handshake(c, s);
    assert.is(r.client.state, 'want-verify');
    assert.ok(calls >= 1);
    assert.is(c.handshake(Date.now()).state, 'want-verify', 'still paused');
    answer(verdict);
    await Promise.resolve();
    assert.is(woke, 1);
    const r2 = handshake(c, s);
    if (verdict === 0) {
      assert.is(r2.client.state, 'done');
      assert.is(say(c, s, 'trusted'), 'trusted');
    } else {
      assert.is(r2.client.state, 'fatal');
      assert.is(r2.server.state, 'fatal', 'the server got bad_certificate');
      assert.is(c.verifyResult & 0x08, 0x08);
    }
  }
});

test('after close_notify the bytes that follow are handed back unread (plain text again)', () => {
  const { c, s } = pair(TLS1_3);
  flush(s, c);
  c.read(new Uint8Array(16), Date.now()); // tickets
  assert.is(s.closeNotify(Date.now()).state, 'done');
  const [notify] = s.drain();
  const plain = enc('MAIL FROM:<a@b>\r\n');
  const both = new Uint8Array(notify.length + plain.length);
  both.set(notify);
  both.set(plain, notify.length);
  c.feed(both);
  assert.is(c.read(new Uint8Array(64), Date.now()).state, 'closed');
  assert.is(dec(c.takeUnread()), 'MAIL FROM:<a@b>\r\n');
  assert.is(c.takeUnread().length, 0);
});

test.run();
