/**
 * wasm/zs_heap.c, the wasm core's malloc, free, calloc and realloc, in wasm: random operations
 * against a model of the live blocks (8-byte alignment, no overlap, contents kept), memory
 * growth told to the host, coalescing (all freed, the first block serves a request for all of
 * it without growing), and the end of memory (NULL, and the heap still serves). `make test`
 * builds the file alone into build/wasm/zs-heap-test.wasm with the core's flags; its memory
 * starts at 256 KiB and may grow to 4 MiB. test/native/heap.c runs the same file under
 * AddressSanitizer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/pki.js';
import { rng } from '../helpers/sessions.js';

interface HeapExports {
  memory: WebAssembly.Memory;
  malloc(n: number): number;
  free(p: number): void;
  calloc(n: number, size: number): number;
  realloc(p: number, n: number): number;
}

let grown = 0;
const refuse = new Proxy({}, { get: () => () => 52 });
const wasm = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(ROOT, 'build/wasm/zs-heap-test.wasm'))),
  { env: { emscripten_notify_memory_growth: () => { grown++; } }, wasi_snapshot_preview1: refuse }).exports as unknown as HeapExports;
const MAX = 4 << 20;
const u8 = () => new Uint8Array(wasm.memory.buffer);
const r = rng(0x4ea9);
// The heap's first block, taken before anything else: where the heap starts.
const first = wasm.malloc(16);
wasm.free(first);
let maxEnd = 0; // the highest end of a block handed out

interface Live { p: number; n: number; fill: number }

function place(live: Live[], i: number, p: number, n: number): void {
  assert.is(p % 8, 0, `aligned: ${p}`);
  assert.ok(p + n <= wasm.memory.buffer.byteLength, 'inside memory');
  for (const o of live) if (o && o !== live[i]) assert.ok(p + n <= o.p || o.p + o.n <= p, `apart: ${p}+${n} and ${o.p}+${o.n}`);
  live[i] = { p, n, fill: (r.next() | 1) & 0xff };
  maxEnd = Math.max(maxEnd, p + n);
  u8().fill(live[i].fill, p, p + n);
}

function kept(b: Live): void {
  const k = u8().subarray(b.p, b.p + b.n).findIndex((x) => x !== b.fill);
  if (k >= 0) assert.unreachable(`block ${b.p}+${b.n} changed at ${k}`);
}

test('random malloc/calloc/realloc/free: aligned, apart, contents kept, memory grown on demand', () => {
  const live: Live[] = new Array(48);
  let nulls = 0;
  for (let step = 0; step < 6000; step++) {
    const i = r.below(live.length), b = live[i];
    const n = r.below(4) === 0 ? r.below(800000) : r.below(300);
    if (b) kept(b);
    const op = r.below(4);
    if (op < 2 && b) {
      wasm.free(b.p);
      live[i] = undefined as unknown as Live;
    } else if (op < 2 || (op === 2 && !b)) {
      const p = op === 2 ? wasm.calloc(n, 1) : wasm.malloc(n);
      if (p === 0) { nulls++; continue; }
      if (op === 2) assert.ok(u8().subarray(p, p + n).every((x) => x === 0), 'calloc zeroes');
      place(live, i, p, n);
    } else if (b) {
      const p = wasm.realloc(b.p, n);
      if (p === 0) { nulls++; kept(b); continue; }
      kept({ p, n: Math.min(n, b.n), fill: b.fill });
      place(live, i, p, n);
    }
  }
  assert.ok(grown > 0, 'the host was told that memory grew');
  assert.ok(nulls > 0, 'the test reached the end of memory');
  for (const b of live) if (b) { kept(b); wasm.free(b.p); }
});

test('all freed is one block again: a request for all of it is served in place, without growing', () => {
  const before = grown;
  const all = wasm.malloc(maxEnd - first);
  assert.is(all, first);
  assert.is(grown, before);
  wasm.free(all);
});

test('the end of memory: NULL, nothing lost, and the heap serves again', () => {
  assert.is(wasm.malloc(MAX), 0);
  assert.is(wasm.malloc(0xffffffff), 0);
  assert.is(wasm.calloc(0x10000, 0x10001), 0, 'calloc: count * size overflows');
  const a = wasm.malloc(100);
  u8().fill(0x5a, a, a + 100);
  assert.is(wasm.realloc(a, MAX), 0);
  kept({ p: a, n: 100, fill: 0x5a });
  assert.is(wasm.realloc(a, 50), a, 'a smaller size keeps the block');
  const b = wasm.malloc(1 << 20);
  assert.ok(b !== 0);
  wasm.free(a);
  wasm.free(b);
  const z1 = wasm.malloc(0), z2 = wasm.malloc(0);
  assert.ok(z1 !== 0 && z2 !== 0 && z1 !== z2, 'malloc(0): distinct blocks');
  wasm.free(z1);
  wasm.free(z2);
  wasm.free(0);
});

test.run();
