#!/usr/bin/env node
/**
 * Generates the TLS core's ABI from its one source, wasm/zs_abi.spec (its format is described
 * there), and checks the C shim against it:
 *
 *   node scripts/gen-abi.mjs SPEC [--ts FILE] [--c FILE] [--check-ts FILE]
 *
 *   --ts FILE        writes the TypeScript side: CoreExports, the constants, the function names
 *   --c FILE         writes the native binding's glue for XS: one host function per export,
 *                    every argument checked (xs/core.h), and the export table
 *   --h FILE         writes the shim's exports as C prototypes (core_abi.h, for the glue and xs/)
 *   --check-ts FILE  exits 1 when FILE differs from what --ts would write (a stale abi.ts)
 *
 * Every run compares the spec with the shim's ZS_API definitions (wasm/zs_*.c beside the spec):
 * the same functions, the same arity, and each kind matching its C type; any difference is an
 * error, so the spec cannot drift from the C it describes.
 */
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ARG_KINDS = /^(i32|u32|f64|ctx|ctx_end|srv|srv_end|cred|cred_end|in\[[\w*]+\]|out\[[\w*]+\]|lend\[[\w*]+\]|cstr\??|u32_out|size_out|block)$/;
const RESULT_KINDS = /^(void|i32|u32|f64|ctx|srv|cred|block|ref)$/;

/** The spec's constants and functions; throws with the line number on a malformed line. */
export function parseSpec(text) {
  const consts = [], fns = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const fail = (why) => { throw new Error(`zs_abi.spec:${i + 1}: ${why}: ${raw.trim()}`); };
    let m;
    if ((m = /^const\s+([A-Z][A-Z0-9_]*)\s+(-?\d+)(?:\s*=\s*(\w+))?$/.exec(line))) {
      consts.push({ name: m[1], value: Number(m[2]), macro: m[3] ?? null });
    } else if ((m = /^fn\s+(zs_\w+)\((.*)\)(?:\s*->\s*(\w+))?$/.exec(line))) {
      const args = m[2].trim() ? m[2].split(',').map((a) => {
        const am = /^\s*(\w+)\s*:\s*(\S+)\s*$/.exec(a);
        if (!am || !ARG_KINDS.test(am[2])) fail(`bad argument "${a.trim()}"`);
        return { name: am[1], kind: am[2] };
      }) : [];
      const result = m[3] ?? 'void';
      if (!RESULT_KINDS.test(result)) fail(`bad result kind ${result}`);
      for (const a of args) {
        const len = /\[(\w+)(\*4)?\]/.exec(a.kind);
        if (len && !/^\d+$/.test(len[1]) && !args.some((b) => b.name === len[1])) fail(`length ${len[1]} is not an argument`);
      }
      fns.push({ name: m[1], args, result });
    } else fail('not a const or fn line');
  });
  return { consts, fns };
}

/** The ZS_API definitions of the shim's C files: name -> { ret, params: [{ type, name }] }. */
export function parseShim(dir) {
  const out = new Map();
  for (const f of readdirSync(dir).filter((n) => /^zs_.*\.c$/.test(n)).sort()) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/^ZS_API\s+([^(]*?)\b(zs_\w+)\s*\(([^)]*)\)/gm)) {
      const params = m[3].split(',').map((p) => p.trim().replace(/\s+/g, ' ')).filter((p) => p && p !== 'void')
        .map((p) => { const pm = /^(.*?)(\w+)$/.exec(p); return { type: pm[1].trim(), name: pm[2] }; });
      const prev = out.get(m[2]);
      const sig = { ret: m[1].trim().replace(/\s+/g, ' '), params };
      if (prev && JSON.stringify(prev) !== JSON.stringify(sig)) throw new Error(`${m[2]}: two different definitions in the shim`);
      out.set(m[2], sig);
    }
  }
  return out;
}

const isPtr = (t) => t.includes('*');
/** Whether a spec kind fits the C type the shim declares. */
function fits(kind, type) {
  if (kind === 'i32') return type === 'int';
  if (kind === 'u32') return /^(uint32_t|size_t|unsigned( int)?)$/.test(type);
  if (kind === 'f64') return type === 'double';
  if (kind.startsWith('ctx')) return /^(const )?zs_ctx \*$/.test(type);
  if (kind.startsWith('srv')) return /^(const )?zs_srv \*$/.test(type);
  if (kind.startsWith('cred')) return /^(const )?zs_cred \*$/.test(type);
  if (kind === 'u32_out') return type === 'uint32_t *';
  if (kind === 'size_out') return type === 'size_t *';
  if (kind === 'block') return type === 'void *';
  if (kind.startsWith('cstr')) return type === 'const char *';
  if (kind.startsWith('in[')) return /^const (unsigned )?(char|int) \*$/.test(type);
  if (kind.startsWith('out[')) return type === 'unsigned char *' || (kind.endsWith('*4]') && type === 'uint32_t *');
  if (kind.startsWith('lend[')) return /^(const )?unsigned char \*$/.test(type);
  return false;
}

/** Throws listing every difference between the spec and the shim. */
export function checkAgainstShim(spec, shim) {
  const errors = [];
  for (const f of spec.fns) {
    const c = shim.get(f.name);
    if (!c) { errors.push(`${f.name}: in the spec, not in the shim`); continue; }
    if (c.params.length !== f.args.length) errors.push(`${f.name}: ${f.args.length} arguments in the spec, ${c.params.length} in the shim`);
    f.args.forEach((a, i) => { if (c.params[i] && !fits(a.kind, c.params[i].type)) errors.push(`${f.name}: argument ${a.name} is ${a.kind}, the shim has ${c.params[i].type}`); });
    const r = c.ret, k = f.result;
    const ok = k === 'void' ? r === 'void' : k === 'ref' || k === 'block' || k === 'ctx' || k === 'srv' || k === 'cred' ? isPtr(r) : fits(k, r);
    if (!ok) errors.push(`${f.name}: result is ${k}, the shim returns ${r}`);
  }
  for (const name of shim.keys()) if (!spec.fns.some((f) => f.name === name)) errors.push(`${name}: in the shim, not in the spec`);
  if (errors.length) throw new Error(`zs_abi.spec does not match the shim:\n  ${errors.join('\n  ')}`);
}

export function genTs(spec) {
  const tsType = (k) => (k === 'void' ? 'void' : 'number');
  let out = `/**
 * The TLS core's ABI, generated by scripts/gen-abi.mjs from wasm/zs_abi.spec: do not edit.
 * Pointers are offsets into \`memory\`; integers cross as wasm's i32 (u32 results are signed here).
 */

/** The C shim's exports (wasm/zs_*.c), as the .wasm and the native zsock:core both offer them. */
export interface CoreExports {
  memory: { readonly buffer: ArrayBufferLike };
  _initialize(): void;
`;
  for (const f of spec.fns) out += `  ${f.name}(${f.args.map((a) => `${a.name}: number`).join(', ')}): ${tsType(f.result)};\n`;
  out += `}

/** Constants shared by the shim and its hosts. */
export const ZS = {
`;
  for (const c of spec.consts) out += `  ${c.name}: ${c.value},\n`;
  out += `} as const;

/** The names of the exported functions, in the spec's order. */
export const CORE_FUNCTIONS: readonly (keyof CoreExports)[] = [
${spec.fns.map((f) => `  '${f.name}',`).join('\n')}
];
`;
  return out;
}

/** C for one argument: its conversion and check (helpers in xs/core.h). */
function argC(f, a, i, cparam) {
  const idx = (name) => f.args.findIndex((b) => b.name === name);
  const len = (spec) => {
    const m = /^(\w+)(\*4)?$/.exec(spec);
    const n = /^\d+$/.test(m[1]) ? `${m[1]}u` : `zx_u32(the, ${idx(m[1])})`;
    return m[2] ? `zx_times4(the, ${n})` : n;
  };
  const k = a.kind, t = cparam.type;
  if (k === 'i32') return `(int)zx_i32(the, ${i})`;
  if (k === 'u32') return `(${t})zx_u32(the, ${i})`;
  if (k === 'f64') return `zx_f64(the, ${i})`;
  // A context the call changes (not const in the shim) may not be the one a hook is inside.
  if (k === 'ctx') return `zx_ctx(the, ${i}, ${t.startsWith('const') ? 0 : 1})`;
  if (k === 'ctx_end') return `zx_ctx_end(the, ${i})`;
  if (k === 'srv') return `zx_srv(the, ${i})`;
  if (k === 'srv_end') return `zx_srv_end(the, ${i})`;
  if (k === 'cred') return `zx_cred(the, ${i})`;
  if (k === 'cred_end') return `zx_cred_end(the, ${i})`;
  if (k === 'block') return `zx_block(the, ${i})`;
  if (k === 'cstr') return `zx_cstr(the, ${i}, 0)`;
  if (k === 'cstr?') return `zx_cstr(the, ${i}, 1)`;
  if (k === 'u32_out' || k === 'size_out') return `&out${i}`;
  const m = /^(in|out|lend)\[([\w*]+)\]$/.exec(k);
  return `(${t})zx_bytes(the, ${i}, ${len(m[2])}, ${m[2].endsWith('*4') ? 4 : 1})`;
}

/** The shim's exports as C prototypes, with the shim's own types (core_abi.h). */
export function genH(spec, shim) {
  let out = `/* Generated by scripts/gen-abi.mjs from wasm/zs_abi.spec and the shim: do not edit. */
#ifndef ZS_CORE_ABI_H
#define ZS_CORE_ABI_H
#include "zs.h"

`;
  for (const f of spec.fns) {
    const c = shim.get(f.name);
    out += `${decl(c.ret, f.name)}(${c.params.map((p) => decl(p.type, p.name)).join(', ') || 'void'});\n`;
  }
  return `${out}\n#endif\n`;
}

const decl = (type, name) => `${type}${type.endsWith('*') ? '' : ' '}${name}`;
const RESULT_C = {
  i32: 'xsResult = xsInteger((int32_t)r);', u32: 'xsResult = xsInteger((int32_t)r);', f64: 'xsResult = xsNumber(r);',
  ctx: 'xsResult = xsInteger(zx_ctx_started(the, r));', srv: 'xsResult = xsInteger(zx_srv_started(the, r));',
  cred: 'xsResult = xsInteger(zx_cred_started(the, r));',
  block: 'xsResult = xsInteger(zx_block_started(the, r));', ref: 'xsResult = xsInteger(zx_offset(the, r));', void: '',
};

/** One host function: every argument converted and checked, then the call, then the results
 *  (out-parameters written as u32, ended handles forgotten, a held hook exception thrown). */
function wrapperC(f, c) {
  let out = `static void xs_${f.name}(xsMachine* the)\n{\n`;
  f.args.forEach((a, i) => {
    if (a.kind === 'u32_out' || a.kind === 'size_out') {
      out += `\t${a.kind === 'u32_out' ? 'uint32_t' : 'size_t'} out${i} = 0;\n\tunsigned char* at${i} = zx_bytes(the, ${i}, 4, 4);\n`;
    }
  });
  f.args.forEach((a, i) => { out += `\t${decl(c.params[i].type, `a${i}`)} = ${argC(f, a, i, c.params[i])};\n`; });
  const call = `${f.name}(${f.args.map((_, i) => `a${i}`).join(', ')})`;
  const ctxArg = f.args.findIndex((a) => a.kind === 'ctx' || a.kind === 'ctx_end');
  out += `\tzx_call_begin(the, ${ctxArg >= 0 ? `a${ctxArg}` : 'NULL'});\n`;
  out += f.result === 'void' ? `\t${call};\n` : `\t${decl(c.ret, 'r')} = ${call};\n`;
  out += '\tzx_call_end();\n';
  const after = { u32_out: (i) => `zx_put_u32(at${i}, (uint32_t)out${i})`, size_out: (i) => `zx_put_u32(at${i}, (uint32_t)out${i})`,
    ctx_end: (i) => `zx_ctx_ended(a${i})`, srv_end: (i) => `zx_srv_ended(a${i})`, cred_end: (i) => `zx_cred_ended(a${i})`, block: (i) => `zx_block_ended(a${i})` };
  f.args.forEach((a, i) => { if (after[a.kind]) out += `\t${after[a.kind](i)};\n`; });
  out += '\tzx_done(the);\n';
  if (RESULT_C[f.result]) out += `\t${RESULT_C[f.result]}\n`;
  return `${out}}\n\n`;
}

export function genC(spec, shim) {
  let out = `/* Generated by scripts/gen-abi.mjs from wasm/zs_abi.spec: do not edit. */
#include "core.h"
#include "core_abi.h"

`;
  for (const c of spec.consts) if (c.macro) out += `_Static_assert(${c.macro} == ${c.value}, "zs_abi.spec: ${c.name} differs from ${c.macro}");\n`;
  out += '\n';
  for (const f of spec.fns) out += wrapperC(f, shim.get(f.name));
  out += 'const zx_export zx_exports[] = {\n';
  for (const f of spec.fns) out += `\t{ "${f.name}", xs_${f.name}, ${f.args.length} },\n`;
  return `${out}\t{ NULL, NULL, 0 },\n};\n`;
}

function main(argv) {
  const specPath = argv[0];
  if (!specPath) throw new Error('usage: gen-abi.mjs SPEC [--ts FILE] [--c FILE] [--check-ts FILE]');
  const spec = parseSpec(readFileSync(specPath, 'utf8'));
  const shim = parseShim(dirname(specPath));
  checkAgainstShim(spec, shim);
  for (let i = 1; i < argv.length; i += 2) {
    const [opt, file] = [argv[i], argv[i + 1]];
    if (opt === '--ts') writeFileSync(file, genTs(spec));
    else if (opt === '--c') writeFileSync(file, genC(spec, shim));
    else if (opt === '--h') writeFileSync(file, genH(spec, shim));
    else if (opt === '--check-ts') {
      if (readFileSync(file, 'utf8') !== genTs(spec)) {
        console.error(`${file} is stale: run node scripts/gen-abi.mjs ${specPath} --ts ${file}`);
        process.exit(1);
      }
    } else throw new Error(`unknown option ${opt}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try { main(process.argv.slice(2)); } catch (e) { console.error(`gen-abi: ${e.message}`); process.exit(1); }
}
