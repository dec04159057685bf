/**
 * The host's random bytes (src/platform.ts randomFill): small requests come from a pool drawn
 * ahead from the CSPRNG. No byte is handed out twice, the pool's copy of what it gave is zeroed,
 * and large requests go to the CSPRNG directly.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomFill } from '../../src/platform.js';

const R = suite('random');

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

R('small requests across pool refills never repeat and are not all zero', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 600; i++) { // 600 x 32 bytes: several 4 KB pools
    const b = new Uint8Array(32);
    randomFill(b);
    assert.ok(b.some((x) => x !== 0));
    assert.not.ok(seen.has(hex(b)), 'a 32-byte value came twice');
    seen.add(hex(b));
  }
});

R('odd lengths, empty, and lengths above the pooled size are filled', () => {
  for (const n of [0, 1, 7, 255, 256, 257, 5000, 70000]) {
    const b = new Uint8Array(n);
    randomFill(b);
    if (n >= 7) assert.ok(b.some((x) => x !== 0), `length ${n}`);
  }
});

R('a value given out is not a suffix or prefix of the next (no overlap)', () => {
  const a = new Uint8Array(16), b = new Uint8Array(16);
  randomFill(a);
  randomFill(b);
  assert.is.not(hex(a), hex(b));
  assert.not.ok(hex(a).slice(16) === hex(b).slice(0, 16));
});

R.run();
