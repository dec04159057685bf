/** Application data and closure over an established session, in memory. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TLS1_2, TLS1_3, type TlsSession } from '../../src/tls/index.js';
import { pki } from '../helpers/pki.js';
import { handshake, flush } from '../helpers/pump.js';
import { session, freeAll, rng } from '../helpers/sessions.js';

test.after.each(freeAll);

function established(version: number) {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: version, maxVersion: version });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  const r = handshake(c, s);
  assert.is(r.client.state, 'done');
  assert.is(r.server.state, 'done');
  flush(c, s); // TLS 1.3: the server's tickets
  return { c, s };
}

/** Sends `data` from a to b in writes of `chunk` bytes; b reads with a `readSize` buffer. */
function transfer(a: TlsSession, b: TlsSession, data: Uint8Array, chunk: number, readSize: number): Uint8Array {
  const got = new Uint8Array(data.length);
  let sent = 0, received = 0;
  const buf = new Uint8Array(readSize);
  while (received < data.length) {
    if (sent < data.length) {
      const n = Math.min(chunk, data.length - sent);
      const w = a.write(data.subarray(sent, sent + n), Date.now());
      assert.is(w.state, 'done');
      if (w.state === 'done') assert.is(w.n, n, 'a stream write takes everything');
      sent += n;
    }
    for (const c of a.drain()) b.feed(c);
    for (;;) {
      const r = b.read(buf, Date.now());
      if (r.state !== 'done') {
        assert.is(r.state, 'want-read');
        break;
      }
      got.set(buf.subarray(0, r.n), received);
      received += r.n;
    }
  }
  return got;
}

for (const [name, v] of [['1.2', TLS1_2], ['1.3', TLS1_3]] as const) {
  test(`TLS ${name}: 1 MB each way in small writes (97 B) and large writes (256 KiB)`, () => {
    const { c, s } = established(v);
    const data = rng(7).bytes(1 << 20);
    assert.equal(transfer(c, s, data, 97, 4096), data, 'client -> server, small writes');
    assert.equal(transfer(s, c, data, 256 * 1024, 65536), data, 'server -> client, large writes');
    assert.equal(transfer(c, s, data.subarray(0, 100000), 100000, 7), data.subarray(0, 100000), 'tiny reads');
  });

  test(`TLS ${name}: close_notify is seen by the peer, and stays seen`, () => {
    const { c, s } = established(v);
    assert.is(c.write(new TextEncoder().encode('last words'), Date.now()).state, 'done');
    assert.is(c.closeNotify(Date.now()).state, 'done');
    for (const x of c.drain()) s.feed(x);
    const buf = new Uint8Array(64);
    const r1 = s.read(buf, Date.now());
    assert.is(r1.state, 'done', 'data before the close_notify is delivered first');
    if (r1.state === 'done') assert.is(new TextDecoder().decode(buf.subarray(0, r1.n)), 'last words');
    assert.is(s.read(buf, Date.now()).state, 'closed');
    assert.is(s.read(buf, Date.now()).state, 'closed', 'sticky');
    assert.ok(s.closed);
    assert.ok(s.closedCleanly);
  });
}

test('a read with an empty buffer and a write of nothing are no-ops', () => {
  const { c } = established(TLS1_3);
  const r = c.read(new Uint8Array(0), Date.now());
  assert.equal(r, { state: 'done', n: 0 });
});

test('a record split across many feeds is reassembled', () => {
  const { c, s } = established(TLS1_2);
  c.write(new TextEncoder().encode('hello, split world'), Date.now());
  const [wire] = c.drain();
  const buf = new Uint8Array(64);
  for (let i = 0; i < wire.length - 1; i++) {
    s.feed(wire.subarray(i, i + 1));
    assert.is(s.read(buf, Date.now()).state, 'want-read');
  }
  s.feed(wire.subarray(wire.length - 1));
  const r = s.read(buf, Date.now());
  assert.is(r.state, 'done');
  if (r.state === 'done') assert.is(new TextDecoder().decode(buf.subarray(0, r.n)), 'hello, split world');
});

test('write before the handshake finishes it first (client), or waits (want-read)', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
  const r = c.write(new Uint8Array([1, 2, 3]), Date.now());
  assert.is(r.state, 'want-read');
  assert.ok(c.pendingOutput > 0, 'the ClientHello went out instead');
});

test.run();
