/** DTLS 1.2 in memory: cookie exchange, retransmission by timer, datagram semantics, CID. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TlsServerState, type TlsConfig, type TlsSession } from '../../src/tls/index.js';
import { ECONNABORTED, EMSGSIZE } from '../../src/errno.js';
import { pki } from '../helpers/pki.js';
import { handshake } from '../helpers/pump.js';
import { session, freeAll } from '../helpers/sessions.js';

let state: TlsServerState;
test.before.each(() => { state = new TlsServerState(); });
test.after.each(() => { freeAll(); state.free(); });

const CLIENT_ADDR = new Uint8Array([127, 0, 0, 1, 0x30, 0x39]); // the address the cookie binds

function pair(client: Partial<TlsConfig> = {}, server: Partial<TlsConfig> = {}) {
  const c = session({ role: 'client', transport: 'datagram', ca: [pki.ca()], hostname: 'localhost', ...client });
  const s = session({ role: 'server', transport: 'datagram', certs: [pki.serverEc()],
    serverState: { handle: state.handle, cookies: true }, transportId: CLIENT_ADDR, ...server });
  return { c, s };
}

const HS_TYPE = 13; // DTLS record header is 13 bytes; then the handshake message type

test('handshake with the cookie exchange (HelloVerifyRequest)', () => {
  const { c, s } = pair();
  c.handshake(Date.now());
  const [hello1] = c.drain();
  assert.is(hello1[HS_TYPE], 1, 'ClientHello');
  s.feed(hello1);
  assert.is(s.handshake(Date.now()).state, 'want-read');
  const [verify] = s.drain();
  assert.is(verify[0], 22);
  assert.is(verify[HS_TYPE], 3, 'HelloVerifyRequest: the server keeps no state yet');
  c.feed(verify);
  c.handshake(Date.now());
  const [hello2] = c.drain();
  assert.is(hello2[HS_TYPE], 1, 'ClientHello again, now with the cookie');
  assert.ok(hello2.length > hello1.length);
  s.feed(hello2);
  const r = handshake(c, s);
  assert.is(r.client.state, 'done');
  assert.is(r.server.state, 'done');
  assert.is(c.version, 0x0303);
});

test('a ClientHello with a forged cookie from another address is answered with a new cookie', () => {
  const { c, s } = pair();
  const other = pair({}, { transportId: new Uint8Array([10, 0, 0, 9, 0, 1]) });
  c.handshake(Date.now());
  other.s.feed(c.drain()[0]);
  other.s.handshake(Date.now());
  c.feed(other.s.drain()[0]); // cookie bound to 10.0.0.9
  c.handshake(Date.now());
  s.feed(c.drain()[0]); // presented at the server that sees 127.0.0.1
  s.handshake(Date.now());
  const [answer] = s.drain();
  assert.is(answer[HS_TYPE], 3, 'the cookie does not verify: HelloVerifyRequest again');
});

test('a lost flight is recovered by the retransmission timer', () => {
  let now = Date.now();
  const { c, s } = pair({ dtlsTimeouts: { min: 500, max: 8000 } }, { dtlsTimeouts: { min: 500, max: 8000 } });
  let dropped = 0;
  const tamper = (who: string, d: Uint8Array) => {
    // Lose the server's first real flight (ServerHello .. ServerHelloDone) once.
    if (who === 'server' && d[HS_TYPE] === 2 && dropped++ === 0) return null;
    return d;
  };
  let r = handshake(c, s, { now: () => now, tamper });
  assert.is(dropped, 1);
  assert.is(r.client.state, 'want-read', 'stalled without the flight');
  const deadline = c.timerDeadline;
  assert.ok(deadline !== null && deadline >= now + 500 && deadline <= now + 1000, `deadline ${deadline! - now} ms ahead`);
  now = deadline! - 1;
  c.handshake(now);
  assert.is(c.pendingOutput, 0, 'nothing is resent before the deadline');
  now = deadline!;
  r = handshake(c, s, { now: () => now, tamper });
  assert.is(r.client.state, 'done', 'the retransmitted ClientHello brought the flight again');
  assert.is(r.server.state, 'done');
});

test('datagram semantics: one record per read; a short buffer truncates', () => {
  const { c, s } = pair();
  assert.is(handshake(c, s).client.state, 'done');
  c.write(new Uint8Array(100).fill(1), Date.now());
  c.write(new Uint8Array(50).fill(2), Date.now());
  const wire = c.drain();
  assert.is(wire.length, 2, 'one datagram per write');
  wire.forEach((d) => s.feed(d));
  const buf = new Uint8Array(10);
  assert.equal(s.read(buf, Date.now()), { state: 'done', n: 10, full: 100 }, 'first record, truncated (MSG_TRUNC length given)');
  assert.equal(buf, new Uint8Array(10).fill(1));
  const big = new Uint8Array(1000);
  assert.equal(s.read(big, Date.now()), { state: 'done', n: 50 }, 'the next read is the next record');
  assert.is(big[0], 2);
  assert.is(s.read(big, Date.now()).state, 'want-read');
});

test('a datagram larger than a record is refused with EMSGSIZE', () => {
  const { c, s } = pair();
  handshake(c, s);
  const r = c.write(new Uint8Array(20000), Date.now());
  assert.is(r.state, 'fatal');
  if (r.state === 'fatal') assert.is(r.error.errno, EMSGSIZE);
  assert.is(c.write(new Uint8Array(1000), Date.now()).state, 'done', 'not sticky: the session still works');
});

test('a duplicated or replayed datagram is ignored', () => {
  const { c, s } = pair();
  handshake(c, s);
  c.write(new Uint8Array([7, 7, 7]), Date.now());
  const [d] = c.drain();
  s.feed(d);
  s.feed(d);
  const buf = new Uint8Array(8);
  assert.equal(s.read(buf, Date.now()), { state: 'done', n: 3 });
  assert.is(s.read(buf, Date.now()).state, 'want-read', 'the replay is dropped (anti-replay window)');
});

test('a corrupted datagram is dropped silently (DTLS), the session goes on', () => {
  const { c, s } = pair();
  handshake(c, s);
  c.write(new Uint8Array([1, 2, 3]), Date.now());
  const [d] = c.drain();
  const bad = d.slice();
  bad[bad.length - 1] ^= 0xff;
  s.feed(bad);
  assert.is(s.read(new Uint8Array(8), Date.now()).state, 'want-read');
  s.feed(d);
  assert.equal(s.read(new Uint8Array(8), Date.now()), { state: 'done', n: 3 });
});

test('connection ID (RFC 9146) is negotiated both ways', () => {
  const { c, s } = pair({ cid: new Uint8Array([0xc1, 0xc2, 0xc3]) }, { cid: new Uint8Array([0x5e, 0x5f]) });
  assert.is(handshake(c, s).client.state, 'done');
  assert.equal(c.peerCid, new Uint8Array([0x5e, 0x5f]));
  assert.equal(s.peerCid, new Uint8Array([0xc1, 0xc2, 0xc3]));
  c.write(new Uint8Array([9]), Date.now());
  const [rec] = c.drain();
  assert.is(rec[0], 25, 'records carry the tls12_cid content type');
});

test('no CID unless both sides ask', () => {
  const { c, s } = pair({ cid: new Uint8Array([1]) });
  handshake(c, s);
  assert.is(c.peerCid, null);
});

test('mutual DTLS with a wrong client certificate fails on the server', () => {
  const { c, s } = pair({ certs: [pki.otherServer()] }, { ca: [pki.ca()], verify: 'required' });
  const r = handshake(c, s);
  assert.is(r.server.state, 'fatal');
  if (r.server.state === 'fatal') assert.is(r.server.error.errno, ECONNABORTED);
});

test('DTLS 1.3 is refused at creation', () => {
  assert.throws(() => session({ role: 'client', transport: 'datagram', maxVersion: 0x0304 }), /DTLS 1.3/);
});

test.run();
