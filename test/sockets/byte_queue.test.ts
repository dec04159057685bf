/** ByteQueue: the one chunk queue of the socket layer. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteQueue } from '../../src/sockets/byte_queue.js';

const b = (...x: number[]) => new Uint8Array(x);
const q = suite('ByteQueue');

q('take crosses chunks in order and counts', () => {
  const bq = new ByteQueue();
  bq.push(b(1, 2, 3));
  bq.push(b(4, 5));
  assert.is(bq.length, 5);
  const dst = new Uint8Array(4);
  assert.is(bq.take(dst), 4);
  assert.equal([...dst], [1, 2, 3, 4]);
  assert.is(bq.length, 1);
  assert.is(bq.take(dst), 1);
  assert.is(dst[0], 5);
  assert.is(bq.take(dst), 0, 'empty');
});

q('peek leaves the bytes; drop removes part of a chunk', () => {
  const bq = new ByteQueue();
  bq.push(b(1, 2, 3));
  const dst = new Uint8Array(2);
  assert.is(bq.take(dst, true), 2);
  assert.is(bq.length, 3);
  bq.drop(2);
  assert.equal([...bq.first()!], [3]);
  bq.drop(10);
  assert.is(bq.length, 0, 'drop stops at what is queued');
  assert.is(bq.first(), undefined);
});

q('unshift puts bytes back in front; empty pushes are ignored', () => {
  const bq = new ByteQueue();
  bq.push(b(3));
  bq.push(new Uint8Array(0));
  bq.unshift(b(1, 2));
  const dst = new Uint8Array(3);
  assert.is(bq.take(dst), 3);
  assert.equal([...dst], [1, 2, 3]);
});

q('splice hands every chunk over; clear(true) wipes them', () => {
  const bq = new ByteQueue();
  const secret = b(9, 9);
  bq.push(secret);
  bq.push(b(7));
  const all = bq.splice();
  assert.is(all.length, 2);
  assert.is(bq.length, 0);
  bq.push(secret);
  bq.clear(true);
  assert.equal([...secret], [0, 0], 'wiped');
  assert.is(bq.length, 0);
});

q.run();
