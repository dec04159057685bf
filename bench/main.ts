/**
 * `make bench`: zsock measured beside what a user would pick instead, in one run on this
 * machine. Each figure is a median with its 10th..90th percentile spread, next to its peer's
 * from the same run as a ratio. Peers: Node's tls (OpenSSL) over loopback; native mbedTLS (our
 * same shim built with gcc -O2, bench/native/harness.c), the physical limit for the core;
 * node-forge (TLS 1.1 RSA, its best). Writes build/bench/results.json and chart.svg.
 * A benchmark, never a test: nothing here is asserted.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { readFileSync, copyFileSync } from 'node:fs';
import { loadCore } from '../src/tls/index.js';
import { getCore } from '../src/internal.js';
import { configure } from '../src/config.js';
import { ROOT, CERTS } from '../test/helpers/pki.js';
import { stat, times, round } from './lib/stats.js';
import { KINDS, engineHandshake, engineBulk, ticket } from './lib/engine.js';
import { nativeAvailable, nativeHandshakes, nativeBulk } from './lib/native.js';
import { nodeTls, holdingServer } from './lib/node_tls.js';
import { zsockSockets, zsockIdle } from './lib/zsock_sockets.js';
import { forgeHandshake, forgeBulk } from './lib/forge.js';
import { sizes, profileChild } from './lib/profile.js';
import { printTable, writeOutputs, type Row } from './lib/report.js';

const N = Number(process.env.BENCH_N) || 30;
const MB = Number(process.env.BENCH_MB) || 32;
const IDLE = Number(process.env.BENCH_IDLE) || 1000;
const WASM = { full: join(ROOT, 'build/wasm/zsock-core.wasm'), embedded: join(ROOT, 'build/wasm/zsock-core-embedded.wasm') };

const rows: Row[] = [];
interface ProfileRun { loadMs: number; firstHandshakeMs: number; warmHandshakeMs: number; client: { idle: number; peak: number }; server: { idle: number; peak: number } }
const log = (s: string) => process.stderr.write(`${s}\n`);

async function handshakes(): Promise<void> {
  const session = ticket();
  for (const kind of KINDS) {
    log(`handshake ${kind}`);
    const wasm = stat(await times(N, 5, () => engineHandshake(kind, kind === 'resumed' ? session : undefined)));
    rows.push({ section: 'handshake (in memory)', metric: `${kind} client+server`, unit: 'ms', zsock: wasm, peer: 'native mbedTLS',
      peerValue: nativeAvailable() ? stat(nativeHandshakes(kind, N)) : null, better: 'lower', target: '<= 1.3x' });
    if (kind === 'dtls12') continue; // Node has no DTLS
    const node = await nodeTls(kind);
    const nodeMs = stat(await times(N, 5, () => node.handshake()));
    node.close();
    const z = await zsockSockets(kind);
    const runs: { wall: number; cpu: number }[] = [];
    for (let i = 0; i < N + 5; i++) { const r = await z.handshake(); if (i >= 5) runs.push(r); }
    z.close();
    const wall = stat(runs.map((r) => r.wall)), over = stat(runs.map((r) => r.wall - r.cpu));
    rows.push({ section: 'handshake (loopback)', metric: `${kind} sockets`, unit: 'ms', zsock: wall, peer: 'Node tls', peerValue: nodeMs, better: 'lower',
      note: `wall - CPU: median ${round(over.median)} ms (target <= 1 ms: no Nagle/delayed-ACK stall)` });
  }
  const f = stat(await times(Math.min(N, 10), 2, forgeHandshake));
  rows.push({ section: 'handshake (in memory)', metric: 'tls13-x25519 vs forge TLS 1.1 RSA-2048', unit: 'ms',
    zsock: rows.find((r) => r.metric === 'tls13-x25519 client+server')!.zsock, peer: 'node-forge (TLS 1.1 RSA)', peerValue: f, better: 'lower' });
}

async function bulk(): Promise<void> {
  for (const suite of ['aes128gcm', 'chacha20'] as const) {
    log(`bulk ${suite}`);
    const e = stat([0, 1, 2].map(() => engineBulk(suite, MB)));
    const nat = nativeAvailable() ? stat([0, 1, 2].map(() => nativeBulk(suite, MB))) : null;
    rows.push({ section: 'bulk (in memory)', metric: `${suite} engine`, unit: 'MB/s', zsock: e, peer: 'native mbedTLS', peerValue: nat, better: 'higher',
      target: suite === 'chacha20' ? '>= 0.9x' : 'as close as GCM tables allow' });
    const z = await zsockSockets('tls13-x25519');
    const node = await nodeTls('tls13-x25519');
    const zs: number[] = [], ns: number[] = [];
    for (let i = 0; i < 3; i++) { zs.push(await z.bulk(suite, MB)); ns.push(await node.bulk(suite, MB)); }
    z.close();
    node.close();
    rows.push({ section: 'bulk (loopback)', metric: `${suite} sockets`, unit: 'MB/s', zsock: stat(zs), peer: 'Node tls', peerValue: stat(ns), better: 'higher' });
  }
  rows.push({ section: 'bulk (in memory)', metric: 'aes128gcm engine vs forge AES-128-CBC-SHA', unit: 'MB/s',
    zsock: rows.find((r) => r.metric === 'aes128gcm engine')!.zsock, peer: 'node-forge (TLS 1.1)', peerValue: stat([0, 1, 2].map(() => forgeBulk(Math.min(MB, 8)))), better: 'higher' });
}

/** One side of the scale test in a fresh process (`--scale-child zsock|node`, with --expose-gc),
 *  so RSS counts only these connections: prints { openMs, rssPer, arenaPer }. */
async function scaleChild(who: string): Promise<void> {
  if (who === 'zsock') {
    loadCore({ arenaSize: (IDLE * 64 + 4096) * 1024 });
    configure({ NET_SOCKETS_TLS_MAX_CONTEXTS: IDLE + 10, ZVFS_OPEN_MAX: IDLE + 20 });
  }
  const srv = await holdingServer();
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  const rss0 = process.memoryUsage().rss, t0 = performance.now();
  let arenaPer = 0;
  if (who === 'zsock') {
    const a0 = getCore().arena().used;
    await zsockIdle(IDLE, srv.port, () => 0);
    arenaPer = (getCore().arena().used - a0) / IDLE;
  } else {
    const socks: tls.TLSSocket[] = [];
    for (let i = 0; i < IDLE; i += 50) {
      socks.push(...await Promise.all(Array.from({ length: Math.min(50, IDLE - i) }, () => new Promise<tls.TLSSocket>((resolve, reject) => {
        const s = tls.connect({ port: srv.port, host: '127.0.0.1', servername: 'localhost', ca: readFileSync(join(CERTS, 'ca.crt')), minVersion: 'TLSv1.3' }, () => resolve(s));
        s.on('error', reject);
      }))));
    }
  }
  const openMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 300));
  gc();
  console.log(JSON.stringify({ openMs, rssPer: (process.memoryUsage().rss - rss0) / IDLE, arenaPer }));
  process.exit(0);
}

function child(args: string[], env: Record<string, string> = {}): Record<string, number> {
  const r = spawnSync(process.execPath, ['--expose-gc', process.argv[1], ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 600000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function scale(): void {
  log(`${IDLE} idle connections`);
  const z = child(['--scale-child', 'zsock']), n = child(['--scale-child', 'node']);
  rows.push({ section: `scale (${IDLE} idle TLS 1.3)`, metric: 'time to open all', unit: 'ms', zsock: z.openMs, peer: 'Node tls', peerValue: n.openMs, better: 'lower' });
  rows.push({ section: `scale (${IDLE} idle TLS 1.3)`, metric: 'process RSS per connection', unit: 'KB', zsock: z.rssPer / 1024, peer: 'Node tls', peerValue: n.rssPer / 1024, better: 'lower',
    note: `zsock arena per connection: ${round(z.arenaPer / 1024)} KB (full profile); both include the in-process Node server's side` });
}

function profiles(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(WASM)) {
    log(`profile ${name}`);
    const runs = [0, 1, 2, 3, 4].map(() => child(['--profile-child'], { ZSOCK_WASM: path }) as unknown as ProfileRun);
    const med = (f: (r: ProfileRun) => number) => stat(runs.map(f)).median;
    const p = { ...runs[0], loadMs: med((r) => r.loadMs), firstHandshakeMs: med((r) => r.firstHandshakeMs), warmHandshakeMs: med((r) => r.warmHandshakeMs) };
    const s = sizes(path);
    out[name] = { size: s, ...p };
    rows.push({ section: `profile ${name}`, metric: 'wasm size raw', unit: 'KB', zsock: s.raw / 1024, peer: '-', peerValue: null, better: 'lower', target: name === 'full' ? '<= 200 KB' : undefined,
      note: `gzip ${round(s.gzip / 1024, 1)} KB, brotli ${round(s.brotli / 1024, 1)} KB` });
    rows.push({ section: `profile ${name}`, metric: 'cold start: load + instantiate', unit: 'ms', zsock: p.loadMs, peer: '-', peerValue: null, better: 'lower' });
    rows.push({ section: `profile ${name}`, metric: 'first handshake vs warmed', unit: 'ms', zsock: p.firstHandshakeMs, peer: 'warmed (same process)', peerValue: p.warmHandshakeMs, better: 'lower' });
    rows.push({ section: `profile ${name}`, metric: 'arena: idle TLS 1.3 client', unit: 'KB', zsock: p.client.idle / 1024, peer: '-', peerValue: null, better: 'lower',
      target: name === 'embedded' ? '<= 16 KB' : undefined, note: `handshake peak ${round(p.client.peak / 1024)} KB${name === 'embedded' ? ' (target <= 28 KB)' : ''}; server idle ${round(p.server.idle / 1024)} KB, peak ${round(p.server.peak / 1024)} KB` });
  }
  return out;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--profile-child') return profileChild();
  if (process.argv[2] === '--scale-child') return scaleChild(process.argv[3]);
  loadCore({ arenaSize: 32 * 1024 * 1024 });
  if (!nativeAvailable()) log('native harness missing (make native-harness): native columns left empty');
  await handshakes();
  await bulk();
  scale();
  const prof = profiles();
  printTable(rows);
  const outDir = join(ROOT, 'build/bench');
  const { json, svg } = writeOutputs(outDir, rows, { profiles: prof, runs: { handshakes: N, bulkMB: MB, idle: IDLE } });
  copyFileSync(svg, join(ROOT, 'docs/bench.svg'));
  console.log(`\n${json}\n${svg} (copied to docs/bench.svg)`);
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
