/** BufferPool: the record path's buffers, each with one holder at a time. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BufferPool, recordPool } from '../../src/tls/pool.js';
import { ByteQueue } from '../../src/sockets/byte_queue.js';
import { config, configure, resetConfig } from '../../src/config.js';
import { EINVAL } from '../../src/errno.js';

const p = suite('BufferPool');
const fixed = (size: number, max: number) => new BufferPool(() => ({ size, max }));
p.after.each(() => resetConfig());

p('a buffer given back is handed out again; sizes are fixed', () => {
  const pool = fixed(64, 4);
  const a = pool.take();
  assert.is(a.length, 64);
  pool.give(a.subarray(10, 20)); // any view of it
  assert.is(pool.take().buffer, a.buffer);
  assert.is.not(pool.take().buffer, a.buffer, 'empty pool: a fresh buffer');
});

p('given back twice, a buffer is still handed out once', () => {
  const pool = fixed(16, 4);
  const a = pool.take();
  pool.give(a);
  pool.give(a);
  const x = pool.take(), y = pool.take();
  assert.is(x.buffer, a.buffer);
  assert.is.not(y.buffer, a.buffer);
});

p('foreign arrays are ignored; at most max are kept free', () => {
  const pool = fixed(16, 2);
  pool.give(new Uint8Array(16));
  assert.not.ok(pool.owns(new Uint8Array(16)));
  const bufs = [pool.take(), pool.take(), pool.take()];
  assert.ok(pool.owns(bufs[0]));
  bufs.forEach((b) => pool.give(b));
  const again = [pool.take(), pool.take(), pool.take()].map((b) => b.buffer);
  assert.is(again.filter((b) => bufs.some((x) => x.buffer === b)).length, 2);
});

p('ByteQueue with a pool gives a chunk back once it is wholly taken, and on clear', () => {
  const pool = fixed(8, 4);
  const q = new ByteQueue(pool);
  const a = pool.take();
  a.set([1, 2, 3, 4, 5, 6, 7, 8]);
  q.push(a.subarray(0, 6));
  const dst = new Uint8Array(4);
  assert.is(q.take(dst), 4);
  assert.is.not(pool.take().buffer, a.buffer, 'still queued: not given back');
  assert.is(q.take(dst), 2);
  assert.equal([...dst.subarray(0, 2)], [5, 6]);
  assert.is(pool.take().buffer, a.buffer, 'wholly taken: back in the pool');
  const b = pool.take();
  b.fill(9);
  q.push(b.subarray(0, 3));
  q.clear(true);
  assert.equal([...b.subarray(0, 3)], [0, 0, 0], 'wiped');
  assert.is(pool.take().buffer, b.buffer);
});

p('its shape is read at each call: after a size change no buffer of the old size is handed out or kept', () => {
  let shape = { size: 16384, max: 4 };
  const pool = new BufferPool(() => shape);
  const big = [pool.take(), pool.take()];
  pool.give(big[0]);
  shape = { size: 4096, max: 4 };
  const a = pool.take();
  assert.is(a.length, 4096, 'the kept 16 KB buffer is dropped, not handed out');
  pool.give(big[1]);
  assert.is(pool.kept, 0, 'a buffer of the old size is not kept');
  pool.give(a);
  assert.is(pool.kept, 1);
  shape = { size: 4096, max: 0 };
  pool.give(pool.take());
  assert.is(pool.kept, 0, 'ZSOCK_TLS_RECORD_POOL 0 keeps none');
});

p('the record pool follows ZSOCK_TLS_RECORD_BUF and ZSOCK_TLS_RECORD_POOL (a board sets its profile\'s record size)', () => {
  assert.is(recordPool.size, 16384, 'the host default: the largest record');
  assert.is(configure({ ZSOCK_TLS_RECORD_BUF: 4096, ZSOCK_TLS_RECORD_POOL: 2 }), 0);
  const bufs = [recordPool.take(), recordPool.take(), recordPool.take()];
  assert.equal(bufs.map((b) => b.length), [4096, 4096, 4096]);
  bufs.forEach((b) => recordPool.give(b));
  assert.is(recordPool.kept, 2, 'no more than ZSOCK_TLS_RECORD_POOL kept');
  assert.is(configure({ ZSOCK_TLS_RECORD_BUF: 511 }), -EINVAL, 'below the smallest record');
  assert.is(configure({ ZSOCK_TLS_RECORD_BUF: 65537 }), -EINVAL);
  assert.is(config.ZSOCK_TLS_RECORD_BUF, 4096, 'nothing changed by a refused configure()');
});

p.run();
