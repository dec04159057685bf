/**
 * The echo-server serves many TLS clients without one stalled handshake blocking the rest (issue
 * 17 item 5): five clients that connect and never send a ClientHello, then a sixth that does the
 * handshake and is echoed within a bounded time, on native-sim (four handlers) and on
 * moddable-esp32 and espruino-esp32 through hostfwd (two handlers: of a board's four TLS
 * contexts, the listener holds one and one is kept for outgoing connections), moddable-esp32 on
 * each engine (XS + native core, V8 + wasm core). Before, the blocking accept waited out each
 * idle client's handshake (10 s apiece) and the sixth got nothing for close to a minute.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sim, type BoardSpec, type Engine } from '../../sim/sim.js';
import { RSA_CERT, EC_CERT } from '../../samples/common/credentials.js';
import { ROOT } from '../helpers/pki.js';
import { Peer, freePort } from '../helpers/net.js';
import { until, within } from '../helpers/zs.js';
import { ENGINES, assertEngine, engineName } from '../helpers/engines.js';

const H = suite('echo-server handlers');
const ca = join(mkdtempSync(join(tmpdir(), 'zsock-handlers-')), 'ca.pem');
writeFileSync(ca, RSA_CERT + EC_CERT);

let sim: Sim | null = null;
let idle: Socket[] = [];
let peer: Peer | null = null;
let lines: string[] = [];
H.after.each(() => {
  sim?.stop();
  peer?.kill();
  idle.forEach((s) => s.destroy());
  sim = null; peer = null; idle = []; lines = [];
});

const shown = () => lines.join('\n');

async function boot(board: BoardSpec, hostfwd?: string[], engine: Engine = 'v8'): Promise<Sim> {
  sim = new Sim({ boards: [board], hostfwd, engine, seed: 7, log: (l) => { lines.push(l); } });
  await sim.start();
  if (board.board === 'moddable-esp32') assertEngine(lines, board.name!, engine);
  await until(() => lines.some((l) => l.includes('Waiting for TLS connection on port')), 10000, `the server (output:\n${shown()})`);
  return sim;
}

/** One TCP connection that never says anything; retried while refused (the host stack's
 *  listen completes just after the sample says it waits). */
async function idleClient(port: number, what: string): Promise<Socket> {
  for (let tries = 0; ; tries++) {
    const s = connect(port, '127.0.0.1');
    const up = await new Promise<boolean>((r) => { s.once('connect', () => r(true)); s.once('error', () => r(false)); });
    s.on('error', () => {}); // the server drops some of them: that is the point
    if (up) return s;
    if (tries === 20) throw new Error(`${what} refused (server:\n${shown()})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Five idle connections, each accepted by the server before the next. */
async function idleClients(port: number): Promise<void> {
  for (let i = 0; i < 5; i++) {
    idle.push(await within(idleClient(port, `idle client ${i}`), 5000, `idle client ${i} to connect (server:\n${shown()})`));
    await new Promise((r) => setTimeout(r, 100)); // the accept loop takes it
  }
}

/** openssl s_client: handshake, one line echoed; resolves with the time it took (ms). */
async function honestClient(port: number): Promise<number> {
  const t0 = Date.now();
  peer = new Peer('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', ca, '-verify_return_error', '-verify_hostname', 'localhost', '-quiet'], undefined, 'the sixth client\n');
  await peer.waitFor('the sixth client', 5000).catch((e) => { throw new Error(`${e.message}\nserver:\n${shown()}`); });
  return Date.now() - t0;
}

H('native-sim: five idle clients, then a sixth is served within 5 s (four handlers)', async () => {
  const [port, tlsPort] = [await freePort(), await freePort()];
  await boot({ board: 'native-sim', name: 'srv', firmware: join(ROOT, 'samples/echo-server/main.ts'),
    config: { PORT: String(port), TLS_PORT: String(tlsPort), DTLS: 'n', IPV6: 'n', UDP: 'n' } });
  await idleClients(tlsPort);
  const ms = await honestClient(tlsPort);
  assert.ok(ms < 5000, `${ms} ms`);
  assert.ok(lines.some((l) => l.startsWith('[srv] TLS (IPv4): Accepted connection, TLS 1.3')), shown());
  assert.is(lines.filter((l) => l === '[srv] TLS (IPv4): Dropped a connection still in its handshake, to serve a new one').length, 2, shown());
});

const runs: [string, Engine][] = [...ENGINES.map((e): [string, Engine] => ['moddable-esp32', e]), ['espruino-esp32', 'v8']];
for (const [board, engine] of runs) {
  H(`${board} on ${engineName(engine)} through hostfwd: five idle clients, then a sixth is served within 5 s (two handlers)`, async () => {
    const s = await boot({ board, name: 'board', firmware: join(ROOT, 'samples/echo-server/main.ts'),
      config: { NUM_HANDLERS: '2', DTLS: 'n', IPV6: 'n', UDP: 'n' } }, ['tcp:0-:4243'], engine);
    const port = s.forwards[0].port;
    await idleClients(port);
    const ms = await honestClient(port);
    assert.ok(ms < 5000, `${ms} ms`);
    assert.ok(lines.some((l) => l.startsWith('[board] TLS (IPv4): Accepted connection, TLS 1.3')), shown());
    assert.ok(lines.filter((l) => l === '[board] TLS (IPv4): Dropped a connection still in its handshake, to serve a new one').length >= 3, shown());
  });
}

for (const engine of ENGINES) H(`moddable-esp32 on ${engineName(engine)} with more handlers than TLS contexts: an accept that finds none free drops a stalled handshake, and the sixth is served`, async () => {
  const s = await boot({ board: 'moddable-esp32', name: 'board', firmware: join(ROOT, 'samples/echo-server/main.ts'),
    config: { NUM_HANDLERS: '4', DTLS: 'n', IPV6: 'n', UDP: 'n' } }, ['tcp:0-:4243'], engine);
  const port = s.forwards[0].port;
  await idleClients(port);
  const ms = await honestClient(port);
  assert.ok(ms < 5000, `${ms} ms`);
  assert.ok(lines.includes('[board] TLS (IPv4): Accept failed: ENOMEM: Not enough core'), shown());
  assert.ok(lines.some((l) => l === '[board] TLS (IPv4): Dropped a connection still in its handshake, to serve a new one'), shown());
});

H.run();
