/**
 * The samples' READMEs as written: `zsock certs` writes the files their openssl lines name, an
 * `openssl s_server -WWW ...` with them serves http-get on every board (the boards ask for short
 * fragments themselves), and
 * the default HOST (`host`) is the machine running the simulator on native-sim as on the virtual
 * boards (regression: it resolved only on the virtual boards).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sim, type Engine } from '../../sim/sim.js';
import { ROOT } from '../helpers/pki.js';
import { Peer, freePort } from '../helpers/net.js';
import { within } from '../helpers/zs.js';
import { ENGINES, assertEngine, engineName } from '../helpers/engines.js';

const R = suite('sample READMEs');
const dir = mkdtempSync(join(tmpdir(), 'zsock-readme-'));
let peers: Peer[] = [];
let sims: Sim[] = [];
R.after.each(() => { sims.forEach((s) => s.stop()); peers.forEach((p) => p.kill()); sims = []; peers = []; });
R.after(() => rmSync(dir, { recursive: true, force: true }));

R('zsock certs OUTDIR writes the PEM files, keys private', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/zsock.mjs'), 'certs', dir], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  for (const f of ['cert.pem', 'ec-cert.pem']) assert.match(readFileSync(join(dir, f), 'utf8'), /^-----BEGIN CERTIFICATE-----\n/);
  for (const f of ['key.pem', 'ec-key.pem']) {
    assert.match(readFileSync(join(dir, f), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.is(statSync(join(dir, f)).mode & 0o777, 0o600);
  }
  assert.is(readFileSync(join(dir, 'ca.pem'), 'utf8').split('BEGIN CERTIFICATE').length, 3);
  assert.match(readFileSync(join(dir, 'psk.txt'), 'utf8'), /^identity zsock-sample\nkey [0-9a-f]{32}\n$/);
  assert.is(spawnSync(process.execPath, [join(ROOT, 'bin/zsock.mjs'), 'certs'], { encoding: 'utf8' }).status, 2);
});

const runs: [string, Engine][] = [['native-sim', 'v8'], ...ENGINES.map((e): [string, Engine] => ['moddable-esp32', e]), ['espruino-esp32', 'v8']];
for (const [board, engine] of runs) {
  R(`http-get on ${board}${board === 'moddable-esp32' ? ` (${engineName(engine)})` : ''} with its default HOST, from the README's openssl s_server line`, async () => {
    writeFileSync(join(dir, 'index.html'), 'hello\n');
    const port = await freePort();
    const s = new Peer('sh', ['-c', `cd '${dir}' && exec openssl s_server -WWW -accept ${port} -cert cert.pem -key key.pem`], 'ACCEPT');
    peers.push(s);
    await s.ready;
    const lines: string[] = [];
    const sim = new Sim({ boards: [{ board, name: 'get', config: { PORT: String(port), PATH: '/index.html' } }], firmware: 'http-get', engine, log: (l) => { lines.push(l); } });
    sims.push(sim);
    await sim.start();
    if (board === 'moddable-esp32') assertEngine(lines, 'get', engine);
    assert.equal(await within(sim.done(), 20000, `http-get (output:\n${lines.join('\n')})`), { name: 'get', status: 0 }, lines.join('\n'));
    assert.ok(lines.includes('[get] Body: 6 bytes'), lines.join('\n'));
  });
}

R.run();
