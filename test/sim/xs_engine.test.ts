/**
 * `zsock sim --engine xs`: moddable-esp32 boards on Moddable's XS engine, one process each, on the
 * simulator's virtual network through the pipe bridge (xs/io419_sim.js <-> sim/xs_bridge.ts):
 * the echo-server reached through hostfwd by Node over TCP and TLS (1.3 and 1.2); the espruino
 * echo-client (V8) against the XS echo-server across the virtual network (TCP, TLS, UDP); a crash
 * of an XS board leaves the other boards running; the flag's validation; XS is `zsock sim`'s
 * default for moddable-esp32.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sim } from '../../sim/sim.js';
import { parseSimArgs } from '../../sim/args.js';
import { RSA_CERT, EC_CERT } from '../../samples/common/credentials.js';
import { ROOT } from '../helpers/pki.js';
import { echoOnce } from '../helpers/net.js';
import { until, within } from '../helpers/zs.js';

const X = suite('simulator: moddable-esp32 on XS');
const dir = mkdtempSync(join(tmpdir(), 'zsock-sim-xs-'));
let sims: Sim[] = [];
let lines: string[] = [];
const log = (l: string) => { lines.push(l); };
X.after.each(() => { sims.forEach((s) => s.stop()); sims = []; lines = []; });
X.after(() => rmSync(dir, { recursive: true, force: true }));

const pattern = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255));

function echo(s: Socket, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    let n = 0;
    s.on('data', (d: Buffer) => { got.push(d); n += d.length; if (n >= data.length) resolve(Buffer.concat(got)); });
    s.on('error', reject);
    s.write(data);
  });
}

async function start(args: string[]): Promise<Sim> {
  const parsed = parseSimArgs(args);
  if (!('opts' in parsed)) throw new Error(JSON.stringify(parsed));
  const sim = new Sim({ ...parsed.opts, outDir: join(dir, `run-${sims.length}-${Date.now()}`), log });
  sims.push(sim);
  await within(sim.start(), 30000, 'boot');
  return sim;
}

X('--engine: xs or v8, for moddable-esp32 boards; before any --board it is every moddable board\'s', () => {
  assert.equal(parseSimArgs(['--engine', 'wasm', '--board', 'moddable-esp32', 'echo-server']), { error: '--engine wasm: want xs or v8' });
  assert.equal(parseSimArgs(['--board', 'espruino-esp32', '--engine', 'xs', 'echo-server']),
    { error: '--engine xs: espruino-esp32 runs on V8 only (--engine is for moddable-esp32)' });
  assert.equal(parseSimArgs(['--board', 'moddable-esp32', '--engine']), { error: '--engine needs a value' });
  const p = parseSimArgs(['--engine', 'xs', '--board', 'moddable-esp32', '--board', 'moddable-esp32', '--engine', 'v8', 'echo-server']);
  assert.ok('opts' in p && p.opts.engine === 'xs' && p.opts.boards[1].engine === 'v8' && p.opts.boards[0].engine === undefined);
});

X('echo-server on XS through hostfwd: Node over TCP, TLS 1.3 and TLS 1.2; the boot line names engine and core', async () => {
  const sim = await start(['--engine', 'xs', '--board', 'moddable-esp32', '--name', 'srv', '--hostfwd', 'tcp:0-:4242', '--hostfwd', 'tcp:0-:4243', 'echo-server']);
  assert.ok(lines.includes('[srv] XS 13.3.0, native core'), lines.join('\n'));
  await until(() => lines.some((l) => l.includes('Waiting for TLS connection on port 4243')), 5000, 'the firmware to listen');
  const data = pattern(3000);
  const tcp = tcpConnect(sim.forwards[0].port, '127.0.0.1');
  assert.ok((await within(echo(tcp, data), 8000, 'TCP echo')).equals(data), lines.join('\n'));
  tcp.destroy();
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    const s = tlsConnect({ port: sim.forwards[1].port, host: '127.0.0.1', servername: 'localhost', ca: RSA_CERT + EC_CERT, minVersion: version, maxVersion: version });
    await within(new Promise((r, j) => { s.once('secureConnect', r); s.once('error', j); }), 8000, `${version} handshake`);
    assert.is(s.getProtocol(), version);
    assert.ok((await within(echo(s, data), 8000, `${version} echo`)).equals(data), lines.join('\n'));
    s.destroy();
  }
  await until(() => lines.some((l) => l.startsWith('[srv] TLS (IPv4): Accepted connection, TLS 1.2')), 3000, 'the server\'s log');
  assert.not.ok(lines.some((l) => l.includes('XS abort')), lines.join('\n'));
});

for (const proto of ['tcp', 'tls', 'udp']) {
  X(`espruino echo-client (V8) against the XS echo-server across the virtual network: ${proto}`, async () => {
    const sim = await start(['--engine', 'xs', '--board', 'moddable-esp32', '--name', 'server', 'echo-server',
      '--board', 'espruino-esp32', '--name', 'client', '--config', 'PEER=server', '--config', `PROTO=${proto}`, '--config', 'BLOCKS=5', 'echo-client']);
    const done = await within(sim.done(), 20000, 'the client to finish');
    assert.equal(done, { name: 'client', status: 0 }, lines.join('\n'));
    assert.ok(lines.some((l) => /^\[client\] .*Received and compared \d+ bytes, all ok/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith(`[server] ${proto.toUpperCase()} (IPv4): Received and replied`)), lines.join('\n'));
  });
}

X('an XS board that crashes is reported with its name and stack; the other boards go on', async () => {
  const crasher = join(dir, 'crash.ts');
  writeFileSync(crasher, `console.log('up');\nsetTimeout(() => { throw new Error('boom on XS'); }, 100);\n`);
  const sim = await start(['--board', 'moddable-esp32', '--engine', 'xs', '--name', 'bad', crasher,
    '--board', 'espruino-esp32', '--name', 'good', '--hostfwd', 'tcp:0-:4242', join(ROOT, 'test/fixtures/echo-main.ts')]);
  const bad = sim.boards.find((b) => b.name === 'bad')!;
  const err = await within(bad.crashed(), 5000, 'the crash');
  assert.ok(lines.some((l) => /^\[bad\] XS \d+\.\d+\.\d+, native core$/.test(l)), 'the boot line comes before the firmware runs');
  assert.match(err.message, /boom on XS/);
  assert.is(bad.state, 'crashed');
  assert.ok(lines.includes('[bad] *** firmware crashed'), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('[bad] ') && l.includes('boom on XS')), lines.join('\n'));
  await until(() => lines.some((l) => l.includes('Waiting for TCP connection')), 5000, 'the other board');
  assert.is(await within(echoOnce(sim.forwards[0].port, 'still here'), 5000, 'echo'), 'still here');
  assert.is(sim.boards.find((b) => b.name === 'good')!.state, 'running');
});

/** `zsock sim` with the given engine flags: the echo-client (espruino, V8) against the echo-server. */
function cli(engine: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/zsock.mjs'), 'sim', ...engine, '--board', 'moddable-esp32', '--name', 'server', 'echo-server',
    '--board', 'espruino-esp32', '--name', 'client', '--config', 'PEER=server', '--config', 'BLOCKS=3', 'echo-client',
  ], { encoding: 'utf8', timeout: 30000, env: { ...process.env, ZSOCK_CACHE: join(dir, 'cache') } });
  return { status: r.status, out: r.stdout + r.stderr };
}

X('zsock sim: moddable-esp32 runs on XS by default, on V8 with --engine v8', () => {
  const xs = cli([]);
  assert.is(xs.status, 0, xs.out);
  assert.match(xs.out, /^\[server\] XS \d+\.\d+\.\d+, native core$/m);
  assert.match(xs.out, /^\[client\] TCP \(IPv4\): Received and compared \d+ bytes, all ok$/m);
  const v8 = cli(['--engine', 'v8']);
  assert.is(v8.status, 0, v8.out);
  assert.not.match(v8.out, /XS \d/);
  assert.match(v8.out, /^\[client\] TCP \(IPv4\): Received and compared \d+ bytes, all ok$/m);
});

X.run();
