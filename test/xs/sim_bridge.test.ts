/**
 * The simulator's end of an XS board's pipe (sim/xs_bridge.ts), without a board process: frames
 * split across chunks, a control request answered only when a harness is there (the simulator
 * itself answers none: a firmware cannot drive the network), and a harness's exception sent
 * back to be thrown in the board.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { VNet } from '../../sim/vnet.js';
import { FrameReader, XsBridge, encodeFrame } from '../../sim/xs_bridge.js';

const B = suite('simulator: the XS pipe bridge');

/** A bridge on a fresh board whose answers are decoded as they are written. */
function bridge(): { b: XsBridge; answers: Record<string, unknown>[] } {
  const answers: Record<string, unknown>[] = [];
  const frames = new FrameReader();
  const out = new Writable({ write(chunk, _e, done) { for (const f of frames.push(chunk)) answers.push(f.head as never); done(); } });
  const vnet = new VNet(3);
  return { b: new XsBridge(vnet.addHost('b'), out, (fn) => setImmediate(fn)), answers };
}

B('frames: split anywhere, several in one chunk; a header that is not JSON throws', () => {
  const bytes = Buffer.concat([encodeFrame({ op: 'net', what: 'IP' }), encodeFrame({ op: 'idle' }, Uint8Array.of(1, 2, 3))]);
  const r = new FrameReader();
  const got = [...r.push(bytes.subarray(0, 5)), ...r.push(bytes.subarray(5, 20)), ...r.push(bytes.subarray(20))];
  assert.equal(got.map((f) => f.head), [{ op: 'net', what: 'IP' }, { op: 'idle' }]);
  assert.equal([...got[1].payload], [1, 2, 3]);
  const bad = Buffer.from(encodeFrame({ op: 'idle' }));
  bad[6] = 0x7b + 1; // the header's '{' made '|'
  assert.throws(() => new FrameReader().push(bad));
});

B('a control request is an Error in the board unless a harness answers it', () => {
  const { b, answers } = bridge();
  b.handle({ op: 'ctl', m: 'link', a: [] }, new Uint8Array(0));
  assert.equal(answers.pop(), { x: 'Error', m: 'unknown request' });
  b.onControl = (m, a) => (m === 'sum' ? (a as number[]).reduce((x, y) => x + y, 0) : undefined);
  b.handle({ op: 'ctl', m: 'sum', a: [1, 2, 3] }, new Uint8Array(0));
  assert.equal(answers.pop(), { r: 6 });
  b.handle({ op: 'ctl', m: 'nothing', a: [] }, new Uint8Array(0));
  assert.equal(answers.pop(), { r: null });
  b.onControl = () => { throw new RangeError('no such machine'); };
  b.handle({ op: 'ctl', m: 'link', a: [] }, new Uint8Array(0));
  assert.equal(answers.pop(), { x: 'RangeError', m: 'no such machine' });
});

B.run();
