// A/B of the bench's scale test (1000 idle TLS 1.3 clients) across wasm cores, with Node's tls
// in the same rounds: each round runs one fresh child per variant (bench/main.ts --scale-child),
// in an order that rotates every round. Prints, per variant, the medians of RSS per connection,
// arena per connection, time to open (wall, CPU), and the median (p10..p90) of its per-round
// ratios against Node and against the first variant.
// From the repository root after `make build`:
//   node scripts/ab-scale.mjs ROUNDS name=core.wasm [name=core.wasm ...]
// A variant may name another tree's build instead (`name=@/tmp/before`, that tree's default
// core; `name=core.wasm@/tmp/before`): A/B of two builds of the TypeScript on the scale test.
// BENCH_IDLE sets the number of connections (default 1000).
import { spawnSync } from 'node:child_process';

const [roundsS, ...specs] = process.argv.slice(2);
const ROUNDS = Number(roundsS);
if (!ROUNDS || specs.length === 0) {
  console.error('usage: node scripts/ab-scale.mjs ROUNDS name=core.wasm ...');
  process.exit(2);
}
const variants = [...specs.map((s) => {
  const [name, rest] = s.split('=');
  const [core, root] = rest.split('@');
  return { name, core, root: root || '.', zsock: true };
}), { name: 'node', root: '.' }];

function child(v) {
  const env = { ...process.env, ...(v.core ? { ZSOCK_WASM: v.core } : {}) };
  const r = spawnSync(process.execPath, ['--expose-gc', `${v.root}/build/js/bench/main.js`, '--scale-child', v.zsock ? 'zsock' : 'node'],
    { env, encoding: 'utf8', timeout: 600000 });
  if (r.status !== 0) throw new Error(`${v.name}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p10: at(0.1), p90: at(0.9) };
};
const fmt = (st, d = 2) => `${st.median.toFixed(d)} (${st.p10.toFixed(d)}..${st.p90.toFixed(d)})`;

const runs = variants.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < variants.length; k++) {
    const i = (k + r) % variants.length;
    runs[i].push(child(variants[i]));
    process.stderr.write('.');
  }
}
process.stderr.write('\n');
const node = runs[variants.length - 1];
const per = (i, f, base) => stat(runs[i].map((x, j) => f(x) / f(base[j])));
for (let i = 0; i < variants.length; i++) {
  const m = (f) => stat(runs[i].map(f)).median;
  const line = [`${variants[i].name}: RSS/conn ${(m((x) => x.rssPer) / 1024).toFixed(1)} KB`,
    `arena/conn ${(m((x) => x.arenaPer) / 1024).toFixed(1)} KB`, `open ${m((x) => x.openMs).toFixed(0)} ms wall`,
    `${m((x) => x.cpuMs).toFixed(0)} ms CPU`];
  if (i < variants.length - 1) {
    line.push(`| vs node: RSS ${fmt(per(i, (x) => x.rssPer, node))}, open wall ${fmt(per(i, (x) => x.openMs, node))}, CPU ${fmt(per(i, (x) => x.cpuMs, node))}`);
    if (i > 0) line.push(`| vs ${variants[0].name}: RSS ${fmt(per(i, (x) => x.rssPer, runs[0]))}, open wall ${fmt(per(i, (x) => x.openMs, runs[0]))}, CPU ${fmt(per(i, (x) => x.cpuMs, runs[0]))}`);
  }
  console.log(line.join(', '));
}
