/**
 * `make bench`: zsock measured beside what a user would pick instead, in one run on this
 * machine. Every ratio comes from A/B rounds: zsock and its peer take turns in the same run
 * (the order flips each round), and the row's ratio is the median of the per-round ratios
 * zsock / peer with their 10th..90th percentiles, timed by CPU time (wall time beside it). Peers:
 * native mbedTLS (our same shim built with gcc -O2, bench/native/harness.c; also with AES-NI),
 * Node's tls over loopback (both ends in process, as zsock's), node-forge. Writes
 * build/bench/results.json and chart.svg. `QUICK=1` (BENCH_QUICK): the same rows, fewer rounds.
 * A benchmark, never a test: nothing here is asserted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { copyFileSync, existsSync } from 'node:fs';
import { loadCore } from '../src/tls/index.js';
import { getCore } from '../src/internal.js';
import { configure } from '../src/config.js';
import { zsock_close } from '../src/api/index.js';
import { ROOT } from '../test/helpers/pki.js';
import { abRounds, perRun, cpuOf, rate, stat, warmUp, warmUpAsync, MEM_WARM_MS, LOOP_WARM_MS, type Sample } from './lib/stats.js';
import { KINDS, engineHandshake, engineBulk, ticket } from './lib/engine.js';
import { nativeAvailable, nativeHandshakeRounds, nativeBulk } from './lib/native.js';
import { nodeTls, holdingServer, nodeIdle } from './lib/node_tls.js';
import { zsockSockets, zsockIdle } from './lib/zsock_sockets.js';
import { forgeHandshake, forgeBulk } from './lib/forge.js';
import { sizes, profileChild } from './lib/profile.js';
import { printTable, writeOutputs, abRow, pairRow, type Row } from './lib/report.js';

const QUICK = !!Number(process.env.BENCH_QUICK);
/** Rounds per ratio, handshakes per side per round, MB per side per bulk round, idle rounds. */
const R = Number(process.env.BENCH_ROUNDS) || (QUICK ? 9 : 21);
const K = QUICK ? 4 : 8;
const MB = Number(process.env.BENCH_MB) || (QUICK ? 4 : 16);
const IDLE = Number(process.env.BENCH_IDLE) || 1000;
const IDLE_ROUNDS = QUICK ? 1 : 7;
/** Unmeasured rounds before a bulk row: at least 32 MB per side. V8 compiles the core's hot
 *  functions in the background while the first rounds run (each round's handshake makes more
 *  of them hot), and process CPU time counts that compiling: with 4 MB rounds the first 6 to 8
 *  ran at a third to a half of the steady rate (docs/bench.md, "Bulk: warm-up, copies and
 *  output buffers"). */
const BULK_WARM = Math.max(1, Math.ceil(32 / MB));
/** Connections each scale child opens and closes before its baseline, 50 at a time. One batch
 *  left the wasm core's tier-up (and its compiler memory) running into the measured opens: a
 *  zsock child then read 18 to 26 KB per connection, run to run, with 500 15 to 16 KB, and a
 *  second 1000 connections after the first cost 6 to 8 (docs/bench.md, "The scale test's
 *  warm-up and open time"). Node's side reads about 46 KB with one batch, 41 to 42 with 500. */
const WARM = 500;
const WASM = { full: join(ROOT, 'build/wasm/zsock-core.wasm'), embedded: join(ROOT, 'build/wasm/zsock-core-embedded.wasm'),
  host: join(ROOT, 'build/wasm/zsock-core-host.wasm') };

/** BENCH_ONLY=hs-mem,hs-loop,bulk-mem,bulk-loop,host,forge,scale,profiles: some sections only
 *  (for measuring one change; the JSON then holds those rows only). */
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const on = (section: string) => ONLY.length === 0 || ONLY.includes(section);
const rows: Row[] = [];
const log = (s: string) => process.stderr.write(`${s}\n`);
const MEM_TARGET = '<= 1.3';

async function handshakesInMemory(): Promise<void> {
  const session = ticket();
  for (const kind of KINDS) {
    const hs = () => engineHandshake(kind, kind === 'resumed' ? session : undefined);
    // One native process per row, started before zsock's warm-up: after that fork, no other.
    const native = nativeHandshakeRounds(kind, K, R + 1);
    // The native peer is compiled ahead of time; zsock is measured once V8 compiled it (MEM_WARM_MS).
    log(`handshake in memory ${kind} (after ${warmUp(MEM_WARM_MS, hs)} unmeasured)`);
    const ab = await abRounds(R, () => perRun(K, hs), () => native.next());
    native.close();
    rows.push(abRow({ id: `hs-${kind}-mem-native`, section: 'handshake (in memory)', metric: `${kind}, client + server`, unit: 'ms',
      peerName: 'native mbedTLS', better: 'lower', target: MEM_TARGET }, ab));
  }
}

/** Loopback handshake rows on this process's core; `host` marks the host profile's rows. */
async function handshakesLoopback(host = false): Promise<Row[]> {
  const out: Row[] = [];
  for (const kind of ['tls13-x25519', 'tls13-p256', 'tls12-p256', 'resumed']) {
    log(`handshake loopback ${kind}${host ? ', host profile' : ''}`);
    const z = await zsockSockets(kind), node = await nodeTls(kind);
    // Both sides warm up for the same CPU time, as the in-memory rows: Node's TLS is compiled
    // ahead of time, zsock's core and JS are not (a fresh host child is all cold).
    const warm = [await warmUpAsync(LOOP_WARM_MS, z.handshake), await warmUpAsync(LOOP_WARM_MS, node.handshake)];
    log(`  after ${warm[0]} (zsock) and ${warm[1]} (Node) unmeasured`);
    const ab = await abRounds(R, () => perHandshake(K, z.handshake), () => perHandshake(K, node.handshake));
    z.close();
    node.close();
    out.push(abRow({ id: `hs-${kind}-loop-node${host ? '-host' : ''}`, section: 'handshake (loopback sockets)',
      metric: `${kind}, connect + accept${host ? ', host profile (P-256, ECDSA, AES-GCM by the host)' : ''}`, unit: 'ms',
      peerName: 'Node tls', better: 'lower', target: host && kind.startsWith('tls13') ? '<= 1.2' : undefined }, ab));
  }
  return out;
}

/** Mean CPU and wall ms of `k` handshakes (each timed inside, closing excluded). */
async function perHandshake(k: number, f: () => Promise<Sample>): Promise<Sample> {
  let cpu = 0, wall = 0;
  for (let i = 0; i < k; i++) { const s = await f(); cpu += s.cpu; wall += s.wall; }
  return { cpu: cpu / k, wall: wall / k };
}

async function bulkInMemory(): Promise<void> {
  for (const suite of ['aes128gcm', 'chacha20'] as const) {
    log(`bulk in memory ${suite}`);
    const name = suite === 'chacha20' ? 'chacha' : 'aesgcm';
    const meta = { section: 'bulk (in memory)', metric: `${suite}, client to server`, unit: 'MB/s', better: 'higher' as const };
    rows.push(abRow({ ...meta, id: `bulk-${name}-mem-native`, peerName: 'native mbedTLS', target: suite === 'chacha20' ? '>= 0.9' : undefined },
      await abRounds(R, () => engineBulk(suite, MB), () => nativeBulk(suite, MB), BULK_WARM)));
    if (suite === 'aes128gcm' && nativeAvailable('aesni')) {
      rows.push(abRow({ ...meta, id: 'bulk-aesgcm-mem-native-aesni', peerName: 'native mbedTLS with AES-NI' },
        await abRounds(R, () => engineBulk(suite, MB), () => nativeBulk(suite, MB, 'aesni'), BULK_WARM)));
    }
  }
}

async function bulkLoopback(): Promise<void> {
  for (const suite of ['aes128gcm', 'chacha20'] as const) {
    log(`bulk loopback ${suite}`);
    const z = await zsockSockets('tls13-x25519'), node = await nodeTls('tls13-x25519');
    const ab = await abRounds(R, () => z.bulk(suite, MB), () => node.bulk(suite, MB), BULK_WARM);
    z.close();
    node.close();
    rows.push(abRow({ id: `bulk-${suite === 'chacha20' ? 'chacha' : 'aesgcm'}-loop-node`, section: 'bulk (loopback sockets)',
      metric: `${suite}, client to server`, unit: 'MB/s', peerName: 'Node tls', better: 'higher', target: suite === 'aes128gcm' ? '>= 0.8' : undefined }, ab));
  }
}

async function forge(): Promise<void> {
  log('node-forge');
  rows.push(abRow({ id: 'hs-forge-mem', section: 'handshake (in memory)', metric: 'zsock tls13-x25519 vs forge TLS 1.1 RSA-2048', unit: 'ms',
    peerName: 'node-forge', better: 'lower' }, await abRounds(Math.min(R, 5), () => perRun(2, () => engineHandshake('tls13-x25519')), () => perRun(2, forgeHandshake))));
  const fmb = Math.min(MB, 4);
  rows.push(abRow({ id: 'bulk-forge-mem', section: 'bulk (in memory)', metric: 'zsock aes128gcm vs forge AES-128-CBC-SHA', unit: 'MB/s',
    peerName: 'node-forge', better: 'higher' }, await abRounds(Math.min(R, 5), () => engineBulk('aes128gcm', fmb), async () => rate(fmb << 20, await cpuOf(() => forgeBulk(fmb))))));
}

/** The host profile's core (AES-GCM, P-256 and ECDSA by node:crypto) in a child process (one
 *  core per process): its AES-GCM rows, and its loopback handshakes with BENCH_ONLY's hs-loop,
 *  printed as JSON. */
async function hostChild(): Promise<void> {
  loadCore({ arenaSize: 32 * 1024 * 1024 });
  if (on('hs-loop')) {
    console.log(JSON.stringify(await handshakesLoopback(true)));
    process.exit(0);
  }
  const meta = { metric: 'aes128gcm, client to server, host profile (AES-GCM by the host)', unit: 'MB/s', better: 'higher' as const };
  const out: Row[] = [abRow({ ...meta, id: 'bulk-aesgcm-mem-native-aesni-hostgcm', section: 'bulk (in memory)', peerName: 'native mbedTLS with AES-NI' },
    await abRounds(R, () => engineBulk('aes128gcm', MB), () => nativeBulk('aes128gcm', MB, 'aesni'), BULK_WARM))];
  const z = await zsockSockets('tls13-x25519'), node = await nodeTls('tls13-x25519');
  out.push(abRow({ ...meta, id: 'bulk-aesgcm-loop-node-hostgcm', section: 'bulk (loopback sockets)', peerName: 'Node tls', target: '>= 0.8' },
    await abRounds(R, () => z.bulk('aes128gcm', MB), () => node.bulk('aes128gcm', MB), BULK_WARM)));
  z.close();
  node.close();
  console.log(JSON.stringify(out));
  process.exit(0);
}

function hostRows(): void {
  if (!existsSync(WASM.host) || !nativeAvailable('aesni')) return;
  for (const only of ['host', ...(on('hs-loop') ? ['hs-loop'] : [])]) {
    log(`host profile: ${only === 'host' ? 'AES-GCM' : 'loopback handshakes'}`);
    const r = spawnSync(process.execPath, [process.argv[1], '--host-child'],
      { env: { ...process.env, ZSOCK_WASM: WASM.host, BENCH_ONLY: only }, encoding: 'utf8', timeout: 600000 });
    if (r.status !== 0) throw new Error(`--host-child: ${r.stderr}`);
    rows.push(...(JSON.parse(r.stdout.trim().split('\n').pop()!) as Row[]));
  }
}

interface ScaleRun { openMs: number; cpuMs: number; rssPer: number; arenaPer: number; arenaFill: number }

/** The scale test's server (`--hold-server`): a Node TLS 1.3 server in its own process that holds
 *  every connection, so that neither side's RSS or CPU time counts the server's side. Prints its
 *  port; ends with its parent. */
async function holdServer(): Promise<void> {
  const srv = await holdingServer();
  console.log(srv.port);
  process.stdin.on('end', () => process.exit(0)).resume();
}

/** Starts --hold-server: its port and a way to stop it. */
async function serverProcess(): Promise<{ port: number; stop(): void }> {
  const p = spawn(process.execPath, [process.argv[1], '--hold-server'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    p.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    p.once('exit', (code) => reject(new Error(`--hold-server exited (${code})`)));
  });
  return { port, stop: () => p.kill() };
}

/** One side of the scale test in a fresh process (`--scale-child zsock|node`, with --expose-gc),
 *  so RSS counts only these client connections: prints a ScaleRun. The server runs in a third
 *  process (its side of each connection is the same Node code for both, and counting it in both
 *  only pulled the ratios toward 1). */
async function scaleChild(who: string): Promise<void> {
  let arenaFill = 0;
  if (who === 'zsock') {
    const r0 = process.memoryUsage().rss;
    loadCore({ arenaSize: (IDLE * 64 + 4096) * 1024 });
    arenaFill = process.memoryUsage().rss - r0; // what loading the core makes resident
    configure({ NET_SOCKETS_TLS_MAX_CONTEXTS: IDLE + 10, ZVFS_OPEN_MAX: IDLE + 20 });
  }
  const srv = await serverProcess();
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  // Both sides first open and close WARM connections: what the first handshakes cost once for
  // the process (V8 compiling the hot code, the wasm core's tier-up: about 8 MB of compiler
  // memory that the allocator keeps) is not a cost per connection.
  for (let i = 0; i < WARM; i += 50) {
    if (who === 'zsock') (await zsockIdle(50, srv.port)).forEach((fd) => zsock_close(fd));
    else (await nodeIdle(50, srv.port)).forEach((s) => s.destroy());
  }
  await new Promise((r) => setTimeout(r, 300));
  gc();
  const rss0 = process.memoryUsage().rss, c0 = process.cpuUsage(), t0 = performance.now();
  const a0 = who === 'zsock' ? getCore().arena().used : 0;
  if (who === 'zsock') await zsockIdle(IDLE, srv.port);
  else await nodeIdle(IDLE, srv.port);
  // Open: until the last handshake completed, on both sides. Then tickets and ACKs settle
  // before memory is read.
  const openMs = performance.now() - t0, c = process.cpuUsage(c0);
  await new Promise((r) => setTimeout(r, 300));
  gc();
  const arenaPer = who === 'zsock' ? (getCore().arena().used - a0) / IDLE : 0;
  // Loading no longer zero-fills the arena (issue 19 item 4): the arena pages the connections
  // use become resident as they use them, so RSS growth counts the TLS contexts by itself.
  const rssPer = (process.memoryUsage().rss - rss0) / IDLE;
  srv.stop();
  console.log(JSON.stringify({ openMs, cpuMs: (c.user + c.system) / 1000, rssPer, arenaPer, arenaFill } satisfies ScaleRun));
  process.exit(0);
}

function child(args: string[], env: Record<string, string> = {}): Record<string, number> {
  const r = spawnSync(process.execPath, ['--expose-gc', process.argv[1], ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 600000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function scale(): void {
  log(`${IDLE} idle connections x ${IDLE_ROUNDS}`);
  const z: ScaleRun[] = [], n: ScaleRun[] = [];
  for (let i = 0; i < IDLE_ROUNDS; i++) {
    const pair = i % 2 ? [n, z] : [z, n];
    pair[0].push(child(['--scale-child', pair[0] === z ? 'zsock' : 'node']) as unknown as ScaleRun);
    pair[1].push(child(['--scale-child', pair[1] === z ? 'zsock' : 'node']) as unknown as ScaleRun);
  }
  const section = `scale (${IDLE} idle TLS 1.3 clients)`;
  const open = pairRow({ id: 'idle1000-open-node', section, metric: 'time to open all', unit: 'ms', peerName: 'Node tls', better: 'lower', target: '<= 1.0' },
    'wall', z.map((r) => r.openMs), n.map((r) => r.openMs));
  const cpu = pairRow(open, 'cpu', z.map((r) => r.cpuMs), n.map((r) => r.cpuMs));
  rows.push({ ...open, note: `CPU time: ${Math.round(cpu.zsock)} / ${Math.round(cpu.peer)} ms = ${cpu.ratio.toFixed(2)}x` });
  rows.push(pairRow({ id: 'idle1000-rss-node', section, metric: 'process RSS per connection', unit: 'KB', peerName: 'Node tls', better: 'lower', target: '<= 0.5',
    note: `zsock arena per connection ${(stat(z.map((r) => r.arenaPer)).median / 1024).toFixed(1)} KB (in the RSS); loading the ${IDLE * 64 / 1024} MB arena costs ${(stat(z.map((r) => r.arenaFill)).median / 1048576).toFixed(1)} MB of RSS up front (not counted)` },
  'rss', z.map((r) => r.rssPer / 1024), n.map((r) => r.rssPer / 1024)));
}

function profiles(): { profiles: Record<string, unknown>; sizes: Record<string, unknown> } {
  const out: Record<string, unknown> = {}, sz: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(WASM)) {
    if (!existsSync(path)) continue;
    log(`profile ${name}`);
    const runs = Array.from({ length: QUICK ? 2 : 5 }, () => child(['--profile-child'], { ZSOCK_WASM: path }) as unknown as Record<string, number>);
    const med = (k: string) => stat(runs.map((r) => r[k])).median;
    sz[name] = sizes(path);
    out[name] = { ...runs[0], loadMs: med('loadMs'), firstHandshakeMs: med('firstHandshakeMs'), warmHandshakeMs: med('warmHandshakeMs') };
  }
  return { profiles: out, sizes: sz };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--profile-child') return profileChild();
  if (process.argv[2] === '--scale-child') return scaleChild(process.argv[3]);
  if (process.argv[2] === '--hold-server') return holdServer();
  if (process.argv[2] === '--host-child') return hostChild();
  // The pure-C full core (the host driver's default is the host profile's: its rows come from
  // --host-child), unless $ZSOCK_WASM says otherwise.
  loadCore({ arenaSize: 32 * 1024 * 1024, path: process.env.ZSOCK_WASM ?? WASM.full });
  if (!nativeAvailable()) throw new Error('native harness missing: make native-harness');
  log(`${QUICK ? 'QUICK: ' : ''}${R} A/B rounds, ${K} handshakes or ${MB} MB per side per round`);
  if (on('hs-mem')) await handshakesInMemory();
  if (on('hs-loop')) rows.push(...await handshakesLoopback());
  if (on('bulk-mem')) await bulkInMemory();
  if (on('bulk-loop')) await bulkLoopback();
  if (on('host')) hostRows();
  if (on('forge')) await forge();
  if (on('scale')) scale();
  const prof = on('profiles') ? profiles() : { profiles: {}, sizes: {} };
  printTable(rows);
  for (const [name, s] of Object.entries(prof.sizes)) console.log(`size ${name}: ${JSON.stringify(s)}`);
  const { json, svg } = writeOutputs(join(ROOT, 'build/bench'), rows, { quick: QUICK, runs: { rounds: R, handshakesPerRound: K, bulkMB: MB, idle: IDLE, idleRounds: IDLE_ROUNDS }, ...prof });
  // Only a full run's chart is the docs' (a BENCH_ONLY run's has some rows, or none).
  const full = !QUICK && ONLY.length === 0;
  if (full) copyFileSync(svg, join(ROOT, 'docs/bench.svg'));
  console.log(`\n${json}\n${svg}${full ? ' (copied to docs/bench.svg)' : ''}`);
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
