/**
 * `zsock sim` as a user runs it, from a folder outside the repository: every flag checked before
 * anything boots (the bad one named, exit 2), --help, firmware given as a sample's name, a folder
 * or a file relative to the cwd, --config reaching the user's own firmware, --cred-store loaded
 * before boot, a serving board with no forwarding that keeps running and says how to reach it,
 * and --keylog reaching every kind of board (native-sim, V8, XS) while a board never reads the
 * user's SSLKEYLOGFILE.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/pki.js';
import { freePort } from '../helpers/net.js';
import { until, within } from '../helpers/zs.js';
import { xsAvailable } from '../../sim/xs_board.js';

const S = suite('zsock sim (command line)');
const cwd = mkdtempSync(join(tmpdir(), 'zsock-cli-sim-'));
const env = { ...process.env, ZSOCK_CACHE: join(cwd, '.cache') };
const zsock = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/zsock.mjs'), ...args], { cwd, env, encoding: 'utf8', timeout: 60000 });

/** A user's firmware in its own folder of the cwd: `name`/main.ts. */
function firmware(name: string, lines: string[]): void {
  mkdirSync(join(cwd, name));
  writeFileSync(join(cwd, name, 'main.ts'), [...lines, ''].join('\n'));
}

// Prints a setting and a credential, exits with a status.
firmware('app', [
  "import * as Z from 'zsock';",
  "const C = Z.app_config({ GREETING: 'hello', STATUS: 3 });",
  'const buf = new Uint8Array(64), len: { value?: number } = {};',
  'const rc = Z.tls_credential_get(7, Z.TLS_CREDENTIAL_PSK, buf, len);',
  "console.log(`${C.GREETING}; psk: ${rc < 0 ? Z.zsock_errstr(rc) : Array.from(buf.subarray(0, len.value)).join(',')}`);",
  'Z.sys_exit(C.STATUS);',
]);
S.after(() => rmSync(cwd, { recursive: true, force: true }));

// A firmware that shakes hands with itself in memory (TLS 1.3, PSK): no network, two sessions.
firmware('selfshake', [
  "import { sys_exit } from 'zsock';",
  "import { TlsSession, TLS1_3 } from 'zsock/tls/index';",
  'const psk = { key: new Uint8Array(16).fill(7), identity: Uint8Array.of(107, 101, 121) };',
  "const c = new TlsSession({ role: 'client', psk, minVersion: TLS1_3 }), s = new TlsSession({ role: 'server', psk });",
  'for (let i = 0; i < 20 && !(c.handshakeDone && s.handshakeDone); i++) {',
  '  c.handshake(Date.now()); for (const d of c.drain()) s.feed(d);',
  '  s.handshake(Date.now()); for (const d of s.drain()) c.feed(d);',
  '}',
  "console.log(c.handshakeDone && s.handshakeDone ? 'shook hands' : 'no handshake');",
  'c.free(); s.free();',
  'sys_exit(0);',
]);

const BAD: [string[], string][] = [
  [['--board', 'moddable-esp32', '--latency', 'abc', 'app'], '--latency abc: not a number'],
  [['--board', 'moddable-esp32', '--loss', '2', 'app'], '--loss 2: out of range (0..1)'],
  [['--board', 'moddable-esp32', '--seed', '1.5', 'app'], '--seed 1.5: not an integer'],
  [['--board', 'moddable-esp32', '--hostfwd', 'tcp:x-:1', 'app'], '--hostfwd tcp:x-:1: want tcp|udp:HOSTPORT-[BOARD]:GUESTPORT'],
  [['--board', 'moddable-esp32', '--hostfwd', 'tcp:1-:70000', 'app'], '--hostfwd tcp:1-:70000: board port 70000 is out of range'],
  [['--board', 'moddable-esp32', '--hostfwd', 'tcp:0-nosuch:4242', 'app'], '--hostfwd tcp:0-nosuch:4242: no board named nosuch'],
  [['--board', 'native-sim', '--hostfwd', 'tcp:0-:4242', 'app'], '--hostfwd tcp:0-:4242: native-sim is a native-sim board, which uses this machine\'s ports directly'],
  [['--board', 'moddable-esp32', '--frobnicate', 'app'], 'unknown option --frobnicate'],
  [['--board', 'esp8266', 'app'], '--board esp8266: unknown board'],
  [['--board', 'moddable-esp32', '--config', 'lower=1', 'app'], '--config lower=1: want KEY=VALUE'],
  [['--board', 'moddable-esp32', '--name', 'host', 'app'], '--name host:'],
  [['--board', 'moddable-esp32', '--name'], '--name needs a value'],
  [['--board', 'moddable-esp32', 'no-such-thing'], 'FIRMWARE no-such-thing: no such file, folder with a main.ts, or sample'],
  [['--board', 'moddable-esp32', '--cred-store', 'missing.json', 'app'], '--cred-store missing.json: no such file'],
  [['--board', 'moddable-esp32', '--name', 'a', 'app', '--board', 'espruino-esp32', '--name', 'a', 'app'], '--name a: two boards have this name'],
  [['--board', 'moddable-esp32'], '--board moddable-esp32: no FIRMWARE for it'],
  [['app'], 'no --board given'],
  [['--pcap', '/nonexistent/run.pcap', '--board', 'moddable-esp32', 'app'], '--pcap /nonexistent/run.pcap: no folder /nonexistent'],
  [['--keylog', '/nonexistent/keys', '--board', 'moddable-esp32', 'app'], '--keylog /nonexistent/keys: no folder /nonexistent'],
  [['--board', 'moddable-esp32', 'app', '--keylog'], '--keylog needs a value'],
];

for (const [args, message] of BAD) {
  S(`refused before boot, exit 2: zsock sim ${args.join(' ')}`, () => {
    const r = zsock('sim', ...args);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, `zsock sim: ${message}`);
    assert.not.match(r.stdout + r.stderr, /^\[/m, 'nothing booted');
    assert.match(r.stderr, 'usage: zsock sim');
  });
}

S('sim --help prints the usage and exits 0', () => {
  const r = zsock('sim', '--help');
  assert.is(r.status, 0);
  assert.match(r.stdout, 'usage: zsock sim');
  assert.match(r.stdout, 'tcp|udp:[127.0.0.1:]HOSTPORT-[BOARD]:GUESTPORT');
});

for (const fw of ['app', 'app/main.ts', './app/']) {
  S(`firmware as ${fw} from the cwd; --config reaches the user's firmware; its status is the command's`, () => {
    const r = zsock('sim', '--board', 'espruino-esp32', '--config', 'GREETING=hi there', '--config', 'STATUS=5', fw);
    assert.is(r.status, 5, r.stderr);
    assert.match(r.stdout, '[espruino-esp32] hi there; psk: ENOENT: No such file or directory');
  });
}

S('a sample by name from a folder outside the repository (http-get, refused, exit 1)', async () => {
  const r = zsock('sim', '--board', 'moddable-esp32', '--config', `PORT=${await freePort()}`, 'http-get');
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, '[moddable-esp32] HTTP GET failed: ECONNREFUSED: Connection refused');
});

S('--cred-store: the board finds the store\'s credentials at boot (virtual board and native-sim)', () => {
  const store = join(cwd, 'store.json');
  const add = spawnSync(process.execPath, [join(ROOT, 'bin/zsock.mjs'), 'cred', '--store', store, 'add', '7', 'PSK', 'hex', '0a0b0c'], { encoding: 'utf8' });
  assert.is(add.status, 0, add.stderr);
  for (const board of ['moddable-esp32', 'native-sim']) {
    const r = zsock('sim', '--board', board, '--cred-store', 'store.json', '--config', 'STATUS=0', 'app');
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, `[${board}] hello; psk: 10,11,12`);
  }
});

const ENGINES: [string, string[]][] = [['native-sim', []], ['espruino-esp32', []], ['moddable-esp32', ['--engine', 'v8']],
  ...(xsAvailable() ? [['moddable-esp32', ['--engine', 'xs']] as [string, string[]]] : [])];
for (const [board, engine] of ENGINES) {
  S(`--keylog: the key log of ${board} ${engine.join(' ')} reaches the file; the user's SSLKEYLOGFILE does not reach a board`, () => {
    const keys = join(cwd, 'run.keys'), user = join(cwd, 'user.keys');
    const sim = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/zsock.mjs'), 'sim', ...args, '--board', board, ...engine, 'selfshake'],
      { cwd, env: { ...env, SSLKEYLOGFILE: user }, encoding: 'utf8', timeout: 60000 });
    const r = sim('--keylog', 'run.keys');
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, `[${board}] shook hands`);
    const labels = readFileSync(keys, 'utf8').trim().split('\n').map((l) => l.split(' ')[0]).sort();
    const tls13 = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0'];
    assert.equal(labels, tls13.flatMap((l) => [l, l]), 'four lines from each session');
    assert.not.ok(existsSync(user), 'a board never reads SSLKEYLOGFILE');
    const off = sim();
    assert.is(off.status, 0, off.stderr);
    assert.not.ok(existsSync(user), 'nor without --keylog');
  });
}

S('a server with no forwarding keeps running, says how to reach it, and stops on Ctrl-C', async () => {
  const p = spawn(process.execPath, [join(ROOT, 'bin/zsock.mjs'), 'sim', '--board', 'moddable-esp32', '--config', 'DTLS=n', 'echo-server'], { cwd, env });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  try {
    await until(() => out.includes('reachable from the other boards only'), 15000, `the hint (output:\n${out})`);
    assert.match(out, 'zsock sim: moddable-esp32 (192.0.2.1) listens on tcp 4242, tcp 4243, udp 4242');
    assert.match(out, '--hostfwd tcp:4242-moddable-esp32:4242');
    await new Promise((r) => setTimeout(r, 1000));
    assert.is(p.exitCode, null, `still running (regression: exit 13 with no message)\n${out}`);
    p.kill('SIGINT');
    assert.is(await within(exited, 5000, 'the stop'), 0);
    assert.match(out, 'zsock sim: stopped');
  } finally {
    if (p.exitCode === null) p.kill('SIGKILL');
  }
});

S.run();
