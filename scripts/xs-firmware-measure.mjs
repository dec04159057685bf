#!/usr/bin/env node
/**
 * Figures for the moddable-esp32 firmware on the XS host (not a test; run after `make build`):
 * the echo-server device bundle on build/xs/zsock-xs-embedded (the board's core, device heap),
 * and in the same run the same sample in the simulator (hostfwd) on each engine: XS + native core
 * (its board process, pipe bridge) and V8 + wasm core, all served to the same Node TLS 1.3 client:
 *  - TLS 1.3 handshake time (client wall time, connect to secureConnect), 20 in a row;
 *  - the core's region and the XS heap (after a collection) with 0 and with 2 TLS 1.3
 *    connections open, hence per connection; the region's peak.
 * The simulator adds its virtual network (one hop through hostfwd) to both of its rows.
 *
 *   node scripts/xs-firmware-measure.mjs
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:tls';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../build/js/test/xs/bundle.js';
import { buildBundle } from '../build/js/boards/build.js';
import { Sim } from '../build/js/sim/sim.js';

const HANDSHAKES = 20;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
const open = (port) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  const s = connect({ port, host: '127.0.0.1', rejectUnauthorized: false, minVersion: 'TLSv1.3' });
  s.once('secureConnect', () => resolve([s, performance.now() - t0]));
  s.once('error', reject);
});
async function handshakes(port, n = HANDSHAKES) {
  const ms = [];
  for (let i = 0; i < n; i++) { const [s, t] = await open(port); ms.push(t); s.destroy(); await sleep(20); }
  return ms;
}
function summary(ms) {
  ms = [...ms].sort((a, b) => a - b);
  return `median ${ms[ms.length >> 1].toFixed(1)} ms (min ${ms[0].toFixed(1)}, max ${ms[ms.length - 1].toFixed(1)}, ${ms.length} handshakes)`;
}

/** One XS run with `conns` connections open at the end; its --stats lines, parsed. */
async function xsRun(conns, timing) {
  const port = await freePort(), tlsPort = await freePort();
  const b = await buildBundle('moddable-esp32', join(ROOT, 'samples/echo-server/main.ts'), join(ROOT, 'build/xs/measure/fw'),
    { PORT: String(port), TLS_PORT: String(tlsPort), VERBOSE: 'n', IPV6: 'n' }, { device: true });
  const p = spawn(join(ROOT, 'build/xs/zsock-xs-embedded'), ['--name', 'fw', '--heap', 'device', '--stats', b.path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { out += d; });
  while (!out.includes('Waiting for DTLS')) await sleep(20);
  const time = timing ? summary(await handshakes(tlsPort)) : '';
  const held = [];
  for (let i = 0; i < conns; i++) held.push((await open(tlsPort))[0]);
  await sleep(300);
  const done = new Promise((r) => p.on('exit', r));
  p.kill('SIGTERM');
  await done;
  held.forEach((s) => s.destroy());
  const now = /stats now: XS chunks (\d+) B, slots (\d+); zsock:core region (\d+) B, arena (\d+) B in use \(peak (\d+) of (\d+)\)/.exec(out);
  const peak = /region peak (\d+) B of (\d+)/.exec(out);
  return { time, chunks: +now[1], slots: +now[2], region: +now[3], arena: +now[4], arenaPeak: +now[5], arenaSize: +now[6], peak: +peak[1], size: +peak[2] };
}

const idle = await xsRun(0, false);
const two = await xsRun(2, true);
console.log(`XS + native core (embedded, device heap): TLS 1.3 handshake ${two.time}`);
console.log(`  region: peak ${two.peak} B of ${two.size} (the ${two.arenaSize} B arena, staging, scratch)`);
console.log(`  arena: ${idle.arena} B in use idle (the listeners' contexts), ${two.arena} B with 2 TLS 1.3 connections open: ${(two.arena - idle.arena) / 2} B per connection`);
console.log(`  XS heap per connection (after a collection): ${(two.chunks - idle.chunks) / 2} B of chunks, ${(two.slots - idle.slots) / 2} slots (64-bit host: 32 B each, 16 B on ESP32)`);

/** The echo-server in the simulator with its board on `engine`, booted once. */
async function simBoard(engine) {
  const sim = new Sim({ boards: [{ board: 'moddable-esp32', name: engine, engine, firmware: join(ROOT, 'samples/echo-server/main.ts'), config: { VERBOSE: 'n', IPV6: 'n' } }],
    hostfwd: ['tcp:0-:4243'], seed: 1, log: () => {} });
  await sim.start();
  await sleep(500);
  return sim;
}

// Both boards up at once, handshakes alternated in rounds of 5, so the machine's load falls on
// both alike.
const sims = { xs: await simBoard('xs'), v8: await simBoard('v8') };
const times = { xs: [], v8: [] };
for (let round = 0; round < HANDSHAKES / 5; round++) {
  for (const e of ['xs', 'v8']) times[e].push(...await handshakes(sims[e].forwards[0].port, 5));
}
Object.values(sims).forEach((s) => s.stop());
console.log(`XS + native core (simulator, embedded): TLS 1.3 handshake ${summary(times.xs)}`);
console.log(`V8 + wasm core (simulator, embedded): TLS 1.3 handshake ${summary(times.v8)}`);
process.exit(0);
