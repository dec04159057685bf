/**
 * The native zsock:core checks every handle, pointer and length JS hands it (xs/core_check.c):
 * a bad one is a RangeError before the shim runs, never a write outside a staging block.
 * Runs on the XS host only (test/xs/xs.test.ts bundles it); the core is the one src/tls loaded.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import core from 'zsock:core';
import { type TlsSession } from '../../../src/tls/index.js';
import { getCore } from '../../../src/tls/wasm.js'; // internal: the core behind the engine
import { pki } from '../../helpers/pki.js';
import { handshake } from '../../helpers/pump.js';
import { session, freeAll } from '../../helpers/sessions.js';
import { Staging } from '../../../src/tls/io.js';
import { ZS } from '../../../src/tls/abi.js';

const c = getCore();
const x = c.x;
const rangeError = (fn: () => unknown, what: string) => assert.throws(fn, (e: unknown) => e instanceof RangeError, what);

function newCtx(): number {
  const ctx = x.zs_new(77, 0, 0, 0x0303, 0x0304);
  assert.ok(ctx > 0, 'a context');
  return ctx;
}

test('handles: a context or server state that is not live is a RangeError', () => {
  const ctx = newCtx();
  for (const bad of [0, 1, ctx + 16, -ctx, 0x7fffffff]) rangeError(() => x.zs_handshake(bad), `zs_handshake(${bad})`);
  x.zs_free(ctx);
  rangeError(() => x.zs_handshake(ctx), 'a freed context');
  rangeError(() => x.zs_free(ctx), 'freed twice');
  x.zs_free(0); // NULL, as C's free
  rangeError(() => x.zs_conf_server(newCtxFreedLater(), 1234, 1), 'a server state that was never made');
});

test('handles: credentials that are not live are a RangeError', () => {
  const ctx = newCtxFreedLater();
  rangeError(() => x.zs_conf_cred(ctx, 1234), 'credentials that were never made');
  rangeError(() => x.zs_conf_cred(ctx, ctx), 'a context as credentials');
  const k = x.zs_cred_new();
  assert.ok(k > 0, 'credentials');
  assert.is(x.zs_conf_cred(ctx, k), 0, 'a live set');
  assert.is(x.zs_cred_refs(k), 2, 'held by its owner and the context');
  assert.is(x.zs_cred_free(k), 0, 'the owner lets go');
  rangeError(() => x.zs_cred_free(k), 'let go twice');
  rangeError(() => x.zs_cred_add_ca(k, 0, 0), 'added to once let go');
  x.zs_cred_free(0); // NULL, as C's free: -1, no throw
});

const later: number[] = [];
function newCtxFreedLater(): number {
  const ctx = newCtx();
  later.push(ctx);
  return ctx;
}
test.after.each(() => {
  later.splice(0).forEach((ctx) => x.zs_free(ctx));
  freeAll();
});

test('byte ranges must lie inside one staging block, never the arena', () => {
  const ctx = newCtxFreedLater();
  const s = Staging.of(c);
  rangeError(() => x.zs_conf_ca(ctx, ctx, 64), 'the context itself (in the arena) as a buffer');
  rangeError(() => x.zs_read(ctx, s.ptPtr, s.ptCap + 1), 'one byte past the plaintext block');
  rangeError(() => x.zs_read(ctx, s.ptPtr + s.ptCap, 1), 'starting at the block end');
  rangeError(() => x.zs_write(ctx, 8, 4), 'the reserved bytes');
  rangeError(() => x.zs_write(ctx, core.region().size - 4, 4), 'the region end');
  rangeError(() => x.zs_io(ctx, s.inPtr, s.inCap + 16, s.outPtr, s.outCap), 'an in-window past its block');
  rangeError(() => x.zs_conf_ciphersuites(ctx, s.ptPtr + 2, 1), 'an int array not aligned');
  rangeError(() => x.zs_conf_ciphersuites(ctx, s.ptPtr, 0x40000001), 'an int array whose size overflows');
  rangeError(() => x.zs_arena_stats(s.ptPtr + s.ptCap - 8), 'an out-parameter past its block');
});

test('strings must end inside their block', () => {
  const ctx = newCtxFreedLater();
  assert.is(x.zs_setup(ctx), 0);
  const p = c.scratch(16);
  const cap = 4096; // scratch areas are at least 4 KiB (Core.scratch)
  c.u8.fill(0x61, p, p + cap);
  rangeError(() => x.zs_set_hostname(ctx, p), 'no NUL before the block ends');
  c.u8[p + 9] = 0;
  assert.is(x.zs_set_hostname(ctx, p), 0, 'aaaaaaaaa');
  assert.is(x.zs_set_hostname(ctx, 0), 0, 'NULL turns the name check off');
  c.u8.fill(0, p, p + cap);
});

test('blocks: only a live zs_alloc block may be released, and not one lent as a window', () => {
  const ctx = newCtxFreedLater();
  const s = Staging.of(c);
  const b = x.zs_alloc(100);
  assert.ok(b > 0);
  rangeError(() => x.zs_release(b + 16), 'inside a block');
  rangeError(() => x.zs_release(ctx), 'the arena');
  x.zs_release(b);
  rangeError(() => x.zs_release(b), 'released twice');
  x.zs_io(ctx, s.inPtr, 0, s.outPtr, s.outCap);
  rangeError(() => x.zs_release(s.outPtr), 'the out-window a context holds');
});

test('a verify callback may not free the session whose handshake runs it', () => {
  // The verify hook runs inside zs_handshake; freeing that context there would leave mbedTLS on
  // freed memory. The core refuses with a RangeError, which the session reports as a failed
  // verification (a wasm core would corrupt its own heap instead).
  let caught: unknown = null;
  const client: TlsSession = session({
    role: 'client', ca: [pki.ca()], hostname: 'localhost',
    verifyCallback: () => {
      try { client.free(); } catch (e) { caught = e; throw e; }
      return 0;
    },
  });
  const server = session({ role: 'server', certs: [pki.serverEc()] });
  const r = handshake(client, server);
  assert.instance(caught, RangeError);
  assert.is(r.client.state, 'fatal');
  assert.not.ok(client.freed, 'the session is still there, and free() works after');
});

test('calls nested too deep through hooks are refused, never an overrun (regression)', () => {
  // Each verify callback runs a handshake of its own: each level is one more call in progress.
  const errors: unknown[] = [];
  let deepest = 0;
  const nest = (level: number): void => {
    const client = session({
      role: 'client', ca: [pki.ca()], hostname: 'localhost',
      verifyCallback: () => {
        deepest = Math.max(deepest, level);
        if (level < 12 && !errors.length) {
          try { nest(level + 1); } catch (e) { errors.push(e); throw e; }
        }
        return 0;
      },
    });
    handshake(client, session({ role: 'server', certs: [pki.serverEc()] }));
  };
  nest(1);
  assert.is(errors.length, 1);
  assert.instance(errors[0], RangeError);
  assert.match(String(errors[0]), /nested 4 deep/);
  assert.is(deepest, 4, "the fourth level ran its hook; the fifth call was refused");
});

test('instantiate is once per machine; the region is the memory JS sees', () => {
  assert.throws(() => core.instantiate({ random() {}, verify: () => 0, grown() {}, log() {} }), (e: unknown) => e instanceof TypeError);
  assert.is(x.memory.buffer.byteLength, core.region().size);
  assert.ok(core.region().used > 0 && core.region().peak >= core.region().used);
  assert.is(ZS.FRAME_HDR, 4);
});

test.run();
