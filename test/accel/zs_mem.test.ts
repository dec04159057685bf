/**
 * wasm/zs_mem.c, the wasm core's memcpy, memmove and memset on bulk memory, against JS's own
 * (copyWithin, fill): every length from 0 to 80 around the 32-byte switch and some long ones,
 * every alignment of source and destination, overlaps both ways. The whole area is compared,
 * so a byte written outside the range fails too. `make test` builds the file alone into
 * build/wasm/zs-mem-test.wasm with the core's flags.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/pki.js';
import { rng } from '../helpers/sessions.js';

interface MemExports {
  memory: WebAssembly.Memory;
  memcpy(d: number, s: number, n: number): number;
  memmove(d: number, s: number, n: number): number;
  memset(d: number, c: number, n: number): number;
}

const refuse = new Proxy({}, { get: () => () => 52 }); // nothing here calls out
const wasm = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(ROOT, 'build/wasm/zs-mem-test.wasm'))),
  { env: refuse, wasi_snapshot_preview1: refuse }).exports as unknown as MemExports;
const AREA = 3 * 4096;
const base = wasm.memory.grow(1) * 65536; // a page of our own, past the module's data and stack
const mem = () => new Uint8Array(wasm.memory.buffer, base, AREA);
const LENGTHS = [...Array.from({ length: 81 }, (_, i) => i), 127, 128, 255, 1000, 4096 + 3];
const r = rng(0x5eed);

/** Runs `op` on the wasm area and `ref` on a copy of it; both must end the same. The area
 *  keeps what earlier cases left: random bytes again for each length, mixed by its cases. */
function same(what: string, op: () => number, expected: number, ref: (a: Uint8Array) => void): void {
  const want = mem().slice();
  ref(want);
  assert.is(op(), expected, `${what}: returns its destination`);
  assert.ok(Buffer.from(mem()).equals(want), what);
}

test('memmove: every length and alignment, overlapping forwards and backwards', () => {
  for (const n of LENGTHS) {
    mem().set(r.bytes(AREA));
    for (let align = 0; align < 8; align++) {
      for (const shift of [-33, -17, -4, -1, 0, 1, 3, 16, 31, 40, 5000]) {
        const s = 4096 + align, d = s + shift;
        if (d < 0 || d + n > AREA) continue;
        same(`memmove(+${d}, +${s}, ${n})`, () => wasm.memmove(base + d, base + s, n), base + d, (a) => a.copyWithin(d, s, s + n));
      }
    }
  }
});

test('memcpy: every length, every pair of alignments, apart', () => {
  for (const n of LENGTHS) {
    mem().set(r.bytes(AREA));
    for (let sa = 0; sa < 4; sa++) {
      for (let da = 0; da < 4; da++) {
        const s = sa, d = 2 * 4096 - 64 + da > s + n ? 2 * 4096 - 64 + da : s + n + da;
        if (d + n > AREA) continue;
        same(`memcpy(+${d}, +${s}, ${n})`, () => wasm.memcpy(base + d, base + s, n), base + d, (a) => a.copyWithin(d, s, s + n));
      }
    }
  }
});

test('memset: every length and alignment, the byte value taken as unsigned char', () => {
  for (const n of LENGTHS) {
    mem().set(r.bytes(AREA));
    for (let align = 0; align < 4; align++) {
      for (const c of [0, 0xa5, 0x1ff, -1]) {
        same(`memset(+${align}, ${c}, ${n})`, () => wasm.memset(base + 100 + align, c, n), base + 100 + align,
          (a) => a.fill(c & 0xff, 100 + align, 100 + align + n));
      }
    }
  }
});

test.run();
