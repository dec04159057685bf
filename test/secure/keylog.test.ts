/**
 * TLS key log (NSS's SSLKEYLOGFILE format): the engine's `keylog` sink, the per-socket option
 * TLS_KEYLOG (zsock's, beyond Zephyr's 1..20), SSLKEYLOGFILE for a host program, and no copy of
 * a line left in the core's memory. Wireshark reading these lines: test/sim/keylog.test.ts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { TlsSession, TLS1_2, TLS1_3 } from '../../src/tls/index.js';
import { getCore } from '../../src/tls/wasm.js';
import { pki, ROOT } from '../helpers/pki.js';
import { handshake } from '../helpers/pump.js';
import { closeAll } from '../helpers/zs.js';
import { TAG, addCredentials, removeCredentials, getopt, tlsClient, tlsListener, tlsPair } from '../helpers/tls.js';

const K = suite('TLS key log');
const dir = mkdtempSync(join(tmpdir(), 'zsock-keylog-'));
K.before.each(addCredentials);
K.after.each(() => { closeAll(); removeCredentials(); });
K.after(() => rmSync(dir, { recursive: true, force: true }));

const TLS13_LABELS = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'];
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** NSS key log lines: LABEL <client random, 32 bytes hex> <secret hex>. */
function parse(lines: string): { label: string; random: string; secret: string }[] {
  const rows = lines.split('\n').filter(Boolean).map((l) => l.split(' '));
  for (const r of rows) {
    assert.is(r.length, 3, r.join(' '));
    assert.match(r[1], /^[0-9a-f]{64}$/);
    assert.match(r[2], /^([0-9a-f]{2}){32,48}$/);
  }
  return rows.map(([label, random, secret]) => ({ label, random, secret }));
}

function pair(version: number, keylog: { client?: string[]; server?: string[] }) {
  const c = new TlsSession({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: version, maxVersion: version,
    keylog: keylog.client && ((l) => keylog.client!.push(text(l))) });
  const s = new TlsSession({ role: 'server', certs: [pki.serverEc()], keylog: keylog.server && ((l) => keylog.server!.push(text(l))) });
  assert.is(handshake(c, s).client.state, 'done');
  return [c, s];
}

K('TLS 1.3 sessions: the four traffic secrets, the same on both ends, for the handshake\'s client random', () => {
  const client: string[] = [], server: string[] = [];
  const [c, s] = pair(TLS1_3, { client, server });
  const rows = parse(client.join(''));
  assert.equal(rows.map((r) => r.label).sort(), [...TLS13_LABELS].sort());
  assert.is(new Set(rows.map((r) => r.random)).size, 1, 'one client random');
  assert.equal(parse(server.join('')).sort((a, b) => a.label.localeCompare(b.label)), rows.sort((a, b) => a.label.localeCompare(b.label)));
  assert.ok(rows.every((r) => r.secret.length === 64 || r.secret.length === 96), 'SHA-256 or SHA-384 secrets');
  c.free();
  s.free();
});

K('TLS 1.2: one CLIENT_RANDOM line with the 48-byte master secret; no sink, no key log', () => {
  const client: string[] = [];
  const [c, s] = pair(TLS1_2, { client });
  const rows = parse(client.join(''));
  assert.is(rows.length, 1);
  assert.is(rows[0].label, 'CLIENT_RANDOM');
  assert.is(rows[0].secret.length, 96);
  c.free();
  s.free();
});

K('no line stays in the core\'s memory: taken after each call and wiped, the context\'s buffer wiped when freed', () => {
  const client: string[] = [];
  const [c, s] = pair(TLS1_3, { client });
  c.free();
  s.free();
  const hay = getCore().u8;
  for (const r of parse(client.join(''))) {
    const needle = new TextEncoder().encode(r.secret.slice(0, 32));
    let at = hay.indexOf(needle[0]);
    for (; at >= 0; at = hay.indexOf(needle[0], at + 1)) if (needle.every((b, j) => hay[at + j] === b)) break;
    assert.is(at, -1, `${r.label}: no copy of the line in wasm memory`);
  }
});

K('TLS_KEYLOG: off by default; EINVAL for a value other than 0 or 1; getsockopt takes the lines once', async () => {
  const [l, at] = tlsListener([TAG.EC], Z.IPPROTO_TLS_1_3, (fd) => {
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_KEYLOG, 2), -E.EINVAL);
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_KEYLOG, 'yes'), -E.EINVAL);
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_KEYLOG, Z.TLS_KEYLOG_ENABLED), 0);
  });
  const c = tlsClient(Z.IPPROTO_TLS_1_3);
  const before = getopt(c, Z.SOL_TLS, Z.TLS_KEYLOG) as Uint8Array;
  assert.ok(before instanceof Uint8Array && before.length === 0, 'nothing before a session');
  const [, a] = await tlsPair(l, at, c);
  assert.is((getopt(c, Z.SOL_TLS, Z.TLS_KEYLOG) as Uint8Array).length, 0, 'off on the client: no lines');
  const lines = getopt(a, Z.SOL_TLS, Z.TLS_KEYLOG) as Uint8Array;
  assert.equal(parse(text(lines)).map((r) => r.label).sort(), [...TLS13_LABELS].sort(), 'the accepted socket inherits the option');
  assert.is((getopt(a, Z.SOL_TLS, Z.TLS_KEYLOG) as Uint8Array).length, 0, 'taken once');
  assert.is((getopt(l, Z.SOL_TLS, Z.TLS_KEYLOG) as Uint8Array).length, 0, 'the listener keeps none of its children\'s');
});

K('TLS_KEYLOG on a TLS 1.2 client and a DTLS 1.2 socket; ENOPROTOOPT on a plain TCP socket', async () => {
  const [l, at] = tlsListener([TAG.EC], Z.IPPROTO_TLS_1_2);
  const c = tlsClient(Z.IPPROTO_TLS_1_2);
  assert.is(Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_CIPHERSUITE_LIST, [0xc02b]), 0); // TLS 1.2 only
  assert.is(Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_KEYLOG, 1), 0);
  await tlsPair(l, at, c);
  assert.equal(parse(text(getopt(c, Z.SOL_TLS, Z.TLS_KEYLOG) as Uint8Array)).map((r) => r.label), ['CLIENT_RANDOM']);
  const d = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  assert.is(Z.zsock_setsockopt(d, Z.SOL_TLS, Z.TLS_KEYLOG, 1), 0);
  assert.ok(getopt(d, Z.SOL_TLS, Z.TLS_KEYLOG) instanceof Uint8Array);
  const tcp = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TCP);
  assert.is(Z.zsock_setsockopt(tcp, Z.SOL_TLS, Z.TLS_KEYLOG, 1), -E.ENOPROTOOPT);
  assert.is(getopt(tcp, Z.SOL_TLS, Z.TLS_KEYLOG), -E.ENOPROTOOPT);
});

K('SSLKEYLOGFILE: a host program appends every session\'s lines to the file (mode 0600)', () => {
  const file = join(dir, 'keys.log');
  const prog = [
    `import { TlsSession, TLS1_3 } from ${JSON.stringify(join(ROOT, 'build/js/src/tls/index.js'))};`,
    `import { pki } from ${JSON.stringify(join(ROOT, 'build/js/test/helpers/pki.js'))};`,
    `import { handshake } from ${JSON.stringify(join(ROOT, 'build/js/test/helpers/pump.js'))};`,
    "const c = new TlsSession({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: TLS1_3 });",
    "const s = new TlsSession({ role: 'server', certs: [pki.serverEc()] });",
    'console.log(handshake(c, s).client.state);',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', prog], { encoding: 'utf8', env: { ...process.env, SSLKEYLOGFILE: file } });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'done');
  const rows = parse(readFileSync(file, 'utf8'));
  assert.is(rows.length, 8, 'client and server, four lines each');
  assert.is(statSync(file).mode & 0o777, 0o600);
});

K.run();
