/**
 * Parity of the engines: one firmware using Moddable's ECMA-419 classes directly (argument
 * errors by class and message, write before connect, a listener and a connection to itself, an
 * invalid read, FIN as onError after the data, UDP with the sender's address, `net`, DNS answers
 * and a name that does not resolve) prints the same lines on XS (through the pipe bridge) as on
 * V8 (the sandbox), and the lines expected. (Regression: on a loaded machine the XS board's
 * write right after `new TCP` passed, because the simulator's network had connected while the
 * board computed; a board now learns of its connection only from the event, as on the device.)
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sim, type Engine } from '../../sim/sim.js';
import { until, within } from '../helpers/zs.js';

const P = suite('simulator: the same ECMA-419 behaviour on XS and V8');
const dir = mkdtempSync(join(tmpdir(), 'zsock-sim-parity-'));
P.after(() => rmSync(dir, { recursive: true, force: true }));

const FIRMWARE = `
import TCP from 'embedded:io/socket/tcp';
import UDP from 'embedded:io/socket/udp';
import Listener from 'embedded:io/socket/listener';
import Resolver from 'embedded:network/dns/resolver/udp';
import net from 'net';
const say = (s) => console.log('P ' + s);
const why = (f) => { try { f(); say('no error'); } catch (e) { say(e.constructor.name + ': ' + e.message); } };
const text = (b) => String.fromCharCode(...new Uint8Array(b));
why(() => new TCP({ address: 'server', port: 1 }));
why(() => new TCP({ address: '192.0.2.1', port: 70000 }));
why(() => new Listener({ port: -1 }));
why(() => new UDP({ port: 1.5 }));
const ip = net.get('IP');
say('ip ' + ip);
const dns = () => new Resolver().resolve({ host: 'host',
  onResolved: (h, a) => { say('resolved ' + h + ' ' + a);
    new Resolver().resolve({ host: 'nosuch', onResolved: () => say('?'), onError: (h) => { say('unresolved ' + h); say('done'); } }); },
  onError: () => say('no host') });
const udp = () => {
  const u = new UDP({ port: 6000, onReadable(n) { const p = this.read(); say('udp ' + n + ' ' + text(p) + ' from ' + p.address + ':' + p.port); this.close(); dns(); } });
  why(() => u.write(new Uint8Array(1), 'server', 1));
  u.write(Uint8Array.of(104, 105), ip, 6000);
};
const listener = new Listener({ port: 5000, onReadable(n) {
  say('pending ' + n);
  new TCP({ from: this.read(), onReadable(m) {
    say('server got ' + m);
    why(() => this.read(m + 1));
    say('data ' + text(this.read()));
    this.write(Uint8Array.of(111, 107));
    this.close();
    listener.close();
  } });
} });
say('listening ' + listener.port);
const c = new TCP({ address: ip, port: 5000,
  onWritable(room) { if (this.sent) return; this.sent = 1; say('connected ' + room); why(() => this.write(new Uint8Array(6000))); this.write(Uint8Array.of(104, 101, 108, 108, 111)); },
  onReadable(n) { say('client got ' + n + ' ' + text(this.read())); },
  onError() { say('client onError, remote port ' + this.remotePort); this.close(); udp(); } });
why(() => c.write(new Uint8Array(1)));
`;

const EXPECTED = [
  'Error: invalid address', 'RangeError: invalid port', 'RangeError: invalid port', 'RangeError: invalid port',
  'ip 192.0.2.1', 'listening 5000', 'Error: not ready', 'pending 1', 'connected 5744', 'Error: would block',
  'server got 5', 'Error: invalid', 'data hello', 'client got 2 ok', 'client onError, remote port 5000',
  'RangeError: invalid IP address', 'udp 1 hi from 192.0.2.1:6000', 'resolved host 192.0.2.2', 'unresolved nosuch', 'done',
];

async function run(engine: Engine): Promise<string[]> {
  const entry = join(dir, 'io.ts');
  writeFileSync(entry, FIRMWARE);
  const lines: string[] = [];
  const sim = new Sim({ boards: [{ board: 'moddable-esp32', name: 'io', engine }], firmware: entry, outDir: join(dir, engine), log: (l) => { lines.push(l); } });
  try {
    await within(sim.start(), 30000, 'boot');
    await until(() => lines.includes('[io] P done') || lines.some((l) => l.includes('crashed')), 8000, `the firmware on ${engine}:\n${lines.join('\n')}`);
  } finally { sim.stop(); }
  return lines.filter((l) => l.startsWith('[io] P ')).map((l) => l.slice(7));
}

P('XS prints what V8 prints, and what is expected', async () => {
  const v8 = await run('v8');
  assert.equal(v8, EXPECTED);
  assert.equal(await run('xs'), v8);
});

P.run();
