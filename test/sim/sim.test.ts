/**
 * The simulator end to end: firmware bundles booted in sandboxes on each board, reached from the
 * host through hostfwd (node:net and a real openssl s_client), two boards talking by DNS name
 * over a slow link, and a crashing board that leaves the other running.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sim } from '../../sim/sim.js';
import { ROOT, CERTS } from '../helpers/pki.js';
import { Peer, echoOnce } from '../helpers/net.js';
import { until, within } from '../helpers/zs.js';
import { readFileSync } from 'node:fs';

const FW = join(ROOT, 'build/test-fw');
mkdirSync(FW, { recursive: true });

/** A firmware entry calling `main` of a fixture with arguments (credentials baked in as text). */
function firmware(name: string, fixture: string, args: unknown[]): string {
  const p = join(FW, `${name}.ts`);
  writeFileSync(p, `import { main } from ${JSON.stringify(join(ROOT, 'test/fixtures', fixture))};\nvoid main(...${JSON.stringify(args)});\n`);
  return p;
}

const creds = () => ({ cert: readFileSync(join(CERTS, 'server-ec.crt'), 'utf8'), key: readFileSync(join(CERTS, 'server-ec.key'), 'utf8') });

let sims: Sim[] = [];
let lines: string[] = [];
const log = (l: string) => { lines.push(l); };
test.after.each(() => { sims.forEach((s) => s.stop()); sims = []; lines = []; });


for (const board of ['moddable-esp32', 'espruino-esp32']) {
  test(`${board}: the echo firmware answers node:net and openssl s_client (TLS 1.3) through hostfwd`, async () => {
    const sim = new Sim({ boards: [{ board }], firmware: firmware(`echo-${board}`, 'echo-fw.ts', [creds()]), hostfwd: ['tcp:0-:4242', 'tcp:0-:4243'], log });
    sims.push(sim);
    await sim.start();
    await until(() => lines.some((l) => l.includes('port 4243')), 5000, 'the firmware to listen');
    assert.ok(lines.every((l) => l.startsWith(`[${board}] `)), lines.join('\n'));
    assert.is(await within(echoOnce(sim.forwards[0].port, 'hello board'), 5000, 'echo'), 'hello board');
    const ossl = new Peer('openssl', ['s_client', '-connect', `127.0.0.1:${sim.forwards[1].port}`, '-tls1_3', '-CAfile', join(CERTS, 'ca.crt'),
      '-verify_return_error', '-servername', 'localhost', '-quiet'], undefined, 'through openssl\n');
    try {
      await ossl.waitFor('through openssl', 10000);
      assert.ok(lines.some((l) => /Received and replied with \d+ bytes/.test(l)));
    } finally {
      ossl.kill();
    }
  });
}

test('two boards: a client finds the server by DNS name across a slow, lossy link', async () => {
  const sim = new Sim({
    boards: [{ board: 'moddable-esp32', name: 'server' }, { board: 'espruino-esp32', name: 'client' }],
    firmware: [firmware('two-server', 'echo-fw.ts', []), firmware('two-client', 'echo-client-fw.ts', ['server', 12])],
    seed: 42, link: { latencyMs: 8, jitterMs: 4, loss: 0.2, bandwidth: 2_000_000 }, log,
  });
  sims.push(sim);
  await sim.start();
  await within(until(() => lines.some((l) => l.includes('all ok') || l.includes('MISMATCH') || l.includes(': -')), 15000, 'the client'), 16000);
  assert.ok(lines.some((l) => /^\[client\] Received and compared \d+ bytes, all ok/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('[server] Received and replied')));
});

test('a crashing board is reported with its name and stack; the other keeps serving', async () => {
  const sim = new Sim({
    boards: [{ board: 'moddable-esp32', name: 'steady' }, { board: 'espruino-esp32', name: 'flaky' }],
    firmware: [firmware('crash-a', 'echo-fw.ts', []), firmware('crash-b', 'echo-fw.ts', [])], hostfwd: ['tcp:0-:4242'], log,
  });
  sims.push(sim);
  await sim.start();
  // hostfwd goes to the first board; the second is crashed from the first board's own network.
  const flaky = sim.boards[1];
  const crashed = flaky.crashed();
  const end = sim.vnet.tcpConnect(sim.vnet.host, null, { family: 4, address: flaky.host.v4, port: 4242 });
  assert.ok(typeof end !== 'number');
  end.events = { ...end.events, onConnect: () => end.send(new TextEncoder().encode('crash\n')) };
  const err = await within(crashed, 5000, 'the crash');
  assert.match(err.message, 'crash requested');
  assert.ok(lines.some((l) => l.startsWith('[flaky] *** firmware crashed') && l.includes('crash requested') && l.includes('    at ')), lines.join('\n'));
  assert.is(flaky.state, 'crashed');
  assert.is(await within(echoOnce(sim.forwards[0].port, 'still here'), 5000, 'echo'), 'still here');
});

test.run();
