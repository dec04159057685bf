/**
 * The core's ABI has one source, wasm/zs_abi.spec: src/tls/abi.ts is what it generates, both
 * .wasm builds export exactly its functions, and the generator refuses a spec that disagrees
 * with the shim's C. The staging windows follow each profile's records.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './bundle.js';
import { CORE_FUNCTIONS } from '../../src/tls/abi.js';
import { Core } from '../../src/tls/wasm.js';
import { wasmBinding } from '../../src/tls/wasm_binding.js';

const Abi = suite('core ABI');
const GEN = join(ROOT, 'scripts/gen-abi.mjs');
const SPEC = join(ROOT, 'wasm/zs_abi.spec');

function gen(spec: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [GEN, spec, ...args], { encoding: 'utf8' });
  return { status: r.status, err: r.stderr };
}

/** The shim and a spec edited by `edit`, in a scratch folder; the generator's verdict. */
function withSpec(edit: (spec: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'zsock-abi-'));
  try {
    for (const f of readdirSync(join(ROOT, 'wasm')).filter((n) => n.endsWith('.c'))) cpSync(join(ROOT, 'wasm', f), join(dir, f));
    writeFileSync(join(dir, 'zs_abi.spec'), edit(readFileSync(SPEC, 'utf8')));
    return gen(join(dir, 'zs_abi.spec'), '--c', join(dir, 'glue.c'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

Abi('src/tls/abi.ts is what wasm/zs_abi.spec generates', () => {
  const r = gen(SPEC, '--check-ts', join(ROOT, 'src/tls/abi.ts'));
  assert.is(r.status, 0, r.err);
});

Abi('both .wasm builds export exactly the spec\'s functions', () => {
  for (const file of ['zsock-core.wasm', 'zsock-core-embedded.wasm']) {
    const mod = new WebAssembly.Module(readFileSync(join(ROOT, 'build/wasm', file)));
    const fns = WebAssembly.Module.exports(mod).filter((e) => e.kind === 'function' && e.name.startsWith('zs_')).map((e) => e.name);
    assert.equal(fns.sort(), [...CORE_FUNCTIONS].sort(), file);
  }
});

Abi('the generator refuses a spec that disagrees with the shim', () => {
  const kind = withSpec((s) => s.replace('fn zs_conf_ca(ctx: ctx, buf: in[len], len: u32)', 'fn zs_conf_ca(ctx: ctx, buf: u32, len: u32)'));
  assert.is(kind.status, 1);
  assert.match(kind.err, /zs_conf_ca: argument buf is u32, the shim has const unsigned char \*/);
  const missing = withSpec((s) => s.replace(/^fn zs_resumed.*$/m, ''));
  assert.is(missing.status, 1);
  assert.match(missing.err, /zs_resumed: in the shim, not in the spec/);
  const arity = withSpec((s) => s.replace('fn zs_io_eof(ctx: ctx)', 'fn zs_io_eof(ctx: ctx, extra: i32)'));
  assert.match(arity.err, /zs_io_eof: 2 arguments in the spec, 1 in the shim/);
  const constant = withSpec((s) => s.replace('const FRAME_HDR 4 = ZS_FRAME_HDR', 'const FRAME_HDR 8 = ZS_FRAME_HDR'));
  assert.is(constant.status, 0, 'a constant is checked by the C compiler (_Static_assert in the glue)');
});

Abi('staging follows the profile: about 11 KB for embedded records, 50 KB for 16 KB records (was 120 KB)', () => {
  const sizes: Record<string, number> = {};
  for (const [name, file] of [['embedded', 'zsock-core-embedded.wasm'], ['full', 'zsock-core.wasm']]) {
    const core = new Core(wasmBinding(readFileSync(join(ROOT, 'build/wasm', file))), 96 * 1024);
    const s = core.staging;
    sizes[name] = s.inCap + s.outCap + s.ptCap;
    assert.ok(s.inCap >= s.ptCap && s.outCap > 0);
  }
  assert.ok(sizes.embedded > 6 * 1024 && sizes.embedded < 12 * 1024, `embedded ${sizes.embedded}`);
  assert.ok(sizes.full > 32 * 1024 && sizes.full < 52 * 1024, `full ${sizes.full}`);
});

Abi.run();
