/** BufferPool: the record path's buffers, each with one holder at a time. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BufferPool } from '../../src/tls/pool.js';
import { ByteQueue } from '../../src/sockets/byte_queue.js';

const p = suite('BufferPool');

p('a buffer given back is handed out again; sizes are fixed', () => {
  const pool = new BufferPool(64, 4);
  const a = pool.take();
  assert.is(a.length, 64);
  pool.give(a.subarray(10, 20)); // any view of it
  assert.is(pool.take().buffer, a.buffer);
  assert.is.not(pool.take().buffer, a.buffer, 'empty pool: a fresh buffer');
});

p('given back twice, a buffer is still handed out once', () => {
  const pool = new BufferPool(16, 4);
  const a = pool.take();
  pool.give(a);
  pool.give(a);
  const x = pool.take(), y = pool.take();
  assert.is(x.buffer, a.buffer);
  assert.is.not(y.buffer, a.buffer);
});

p('foreign arrays are ignored; at most max are kept free', () => {
  const pool = new BufferPool(16, 2);
  pool.give(new Uint8Array(16));
  assert.not.ok(pool.owns(new Uint8Array(16)));
  const bufs = [pool.take(), pool.take(), pool.take()];
  assert.ok(pool.owns(bufs[0]));
  bufs.forEach((b) => pool.give(b));
  const again = [pool.take(), pool.take(), pool.take()].map((b) => b.buffer);
  assert.is(again.filter((b) => bufs.some((x) => x.buffer === b)).length, 2);
});

p('ByteQueue with a pool gives a chunk back once it is wholly taken, and on clear', () => {
  const pool = new BufferPool(8, 4);
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

p.run();
