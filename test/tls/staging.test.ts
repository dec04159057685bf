/**
 * The core's staging memory (src/tls/io.ts, Core.scratch): sized to the core's records, and a
 * failed allocation is a clean ENOMEM that leaves everything as it was. Runs on V8 + wasm and
 * on XS + the native core (test/xs).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TLS1_3, TlsError, TlsSession } from '../../src/tls/index.js';
import { getCore } from '../../src/tls/wasm.js'; // internal: the core behind the engine
import { Staging } from '../../src/tls/io.js';
import { ZS } from '../../src/tls/abi.js';
import { ENOMEM } from '../../src/errno.js';
import { pki } from '../helpers/pki.js';
import { handshake, flush } from '../helpers/pump.js';
import { session, freeAll } from '../helpers/sessions.js';

test.after.each(freeAll);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return null;
}

test('a scratch area that cannot grow stays the one it was (regression: use after free)', () => {
  const core = getCore();
  const p = core.scratch(64);
  core.u8.fill(0xab, p, p + 64);
  const e = thrown(() => core.scratch(0x7fff0000));
  assert.is(core.scratch(64), p, 'the old area is still the scratch area');
  // Before the fix the old block was released first: the next allocation got it back, and what
  // was staged through scratch landed in (and was wiped inside) that other allocation.
  const q = core.alloc(64);
  try {
    assert.is.not(q, p, 'the scratch block is still allocated');
    assert.ok(core.u8.subarray(p, p + 64).every((b) => b === 0xab), 'its bytes untouched');
  } finally {
    core.x.zs_release(q);
  }
  assert.ok(e instanceof TlsError, `a TlsError, not ${String(e)}`);
  assert.is((e as TlsError).errno, ENOMEM);
});

test('a session configured after a failed staging allocation works', () => {
  const core = getCore();
  assert.instance(thrown(() => core.scratch(0x7fff0000)), TlsError);
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: TLS1_3 });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  const r = handshake(c, s);
  assert.is(r.client.state, 'done');
  assert.is(r.server.state, 'done');
  flush(c, s);
});

test('core memory that cannot be had is ENOMEM, never a pointer', () => {
  const core = getCore();
  for (const size of [0x7fff0000, 0, -1]) {
    const e = thrown(() => core.alloc(size));
    assert.ok(e instanceof TlsError && e.errno === ENOMEM, `alloc(${size})`);
  }
});

test('the staging windows follow the core\'s records', () => {
  const core = getCore();
  const s = Staging.of(core);
  assert.is(s.inCap, core.x.zs_record_limit(ZS.RECORD_IN) + ZS.FRAME_HDR, 'in: the largest record, framed');
  assert.is(s.outCap, core.x.zs_record_limit(ZS.RECORD_OUT) + ZS.FRAME_HDR, 'out: the largest record, framed');
  assert.is(s.ptCap, Math.max(core.x.zs_record_limit(ZS.CONTENT_IN), core.x.zs_record_limit(ZS.CONTENT_OUT)));
  assert.ok(s.inCap > s.ptCap && s.inCap < s.ptCap + 1024, `in-window ${s.inCap} for ${s.ptCap}-byte records`);
});

test('drained records go into pooled buffers that recycle() gives back, once', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: TLS1_3 });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  handshake(c, s);
  flush(s, c);
  // One record filling half the out-window: pooled (a quarter or less is not, next test).
  const len = Math.floor(Staging.of(getCore()).outCap / 2);
  const send = (byte: number) => {
    assert.is(c.write(new Uint8Array(len).fill(byte), Date.now()).state, 'done');
    const out = c.drain();
    assert.is(out.length, 1);
    return out[0];
  };
  const rd = new Uint8Array(len + 1000);
  const first = send(1);
  const seen = first.slice();
  TlsSession.recycle(first);
  TlsSession.recycle(first); // twice: ignored, never handed out to two holders
  TlsSession.recycle(new Uint8Array(first.length)); // not the pool's: ignored
  for (const junk of [undefined, null, 7, 'x', first.buffer]) TlsSession.recycle(junk as unknown as Uint8Array); // not an array: ignored
  const second = send(2);
  assert.is(second.buffer, first.buffer, 'the given-back buffer took the next record');
  const third = send(3);
  assert.is.not(third.buffer, second.buffer, 'a buffer still held is not reused');
  // The peer reads what each record said when it was drained.
  s.feed(seen);
  s.feed(second);
  s.feed(third);
  for (const byte of [1, 2, 3]) {
    const r = s.read(rd.subarray(0, len), Date.now());
    assert.equal(r, { state: 'done', n: len });
    assert.ok(rd.subarray(0, len).every((b) => b === byte), `record ${byte}`);
  }
});

test('handshake flights and short records get arrays of their own size, not pooled buffers (regression: a 16 KB buffer per flight)', () => {
  const pool = Staging.of(getCore()).outPool;
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: TLS1_3 });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  const chunks: Uint8Array[] = [];
  const r = handshake(c, s, { tamper: (_, bytes) => (chunks.push(bytes), bytes) });
  assert.is(r.client.state, 'done');
  assert.ok(chunks.length >= 2, `${chunks.length} flights`);
  assert.is(c.write(new Uint8Array(100), Date.now()).state, 'done');
  chunks.push(...c.drain());
  // A pooled buffer is the core's whole output window: only output filling a quarter of it goes
  // there (with the full profile's 16 KB, no flight of this handshake does).
  const { outCap } = Staging.of(getCore());
  for (const chunk of chunks) {
    if (chunk.length > outCap / 4) continue;
    assert.not.ok(pool.owns(chunk), `a ${chunk.length}-byte flight in a pooled buffer of ${outCap}`);
    assert.is(chunk.buffer.byteLength, chunk.length, 'an array of its own size');
  }
  if (outCap > 16384) assert.ok(chunks.every((x) => x.length <= outCap / 4), 'with 16 KB records every flight is short');
});

test.run();
