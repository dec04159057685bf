#!/usr/bin/env node
// Import rules for src/ (DESIGN.md): no import cycles (type-only imports included: a cycle of
// types is still a tangle), and dependencies pointing one way: api -> sockets -> tls -> core,
// with constants and errno below every layer. Prints each violation; exit 1 if any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');
const files = [];
(function walk(d) {
  for (const n of readdirSync(d)) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p);
  }
})(root);

const edges = new Map();
const importRe = /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]/gm;
for (const f of files) {
  const deps = new Set();
  for (const m of readFileSync(f, 'utf8').matchAll(importRe)) {
    deps.add(resolve(dirname(f), (m[1] ?? m[2]).replace(/\.js$/, '.ts')));
  }
  edges.set(f, [...deps].filter((d) => edges.has(d) || files.includes(d)));
}

const rel = (f) => relative(root, f);
const problems = [];

// Cycles (Tarjan's strongly connected components).
let index = 0;
const idx = new Map(), low = new Map(), stack = [], on = new Set();
function strong(v) {
  idx.set(v, index); low.set(v, index); index++;
  stack.push(v); on.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do { w = stack.pop(); on.delete(w); comp.push(w); } while (w !== v);
    if (comp.length > 1) problems.push(`import cycle: ${comp.map(rel).sort().join(' <-> ')}`);
  }
}
for (const f of files) if (!idx.has(f)) strong(f);

// Layering: a lower layer never imports a higher one.
const RANK = { api: 3, sockets: 2, net: 1, tls: 1 };
const layer = (f) => rel(f).split('/')[0];
for (const [f, deps] of edges) {
  for (const d of deps) {
    const a = RANK[layer(f)], b = RANK[layer(d)];
    if (a !== undefined && b !== undefined && b > a) problems.push(`upward import: ${rel(f)} -> ${rel(d)}`);
  }
}

for (const p of problems) console.log(p);
console.log(`imports: ${files.length} files, ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
