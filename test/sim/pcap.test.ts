/**
 * `zsock sim --pcap`: the capture of a sample run read by tshark (Debian's): Ethernet/IPv4 with
 * TCP and UDP, every checksum good, timestamps in order, and the TLS 1.3 handshake of the
 * echo-client and echo-server dissected (ClientHello, ServerHello), as is DTLS 1.2's over UDP;
 * TCP over IPv6 with its checksums. With `--keylog` (NSS key log lines from every board, XS and
 * V8 alike), tshark decrypts TLS 1.3, TLS 1.2 and DTLS 1.2: the Finished messages are
 * dissected and the echoed text shows in clear; without the key log it does not.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/pki.js';
import { until, within } from '../helpers/zs.js';
import { xsAvailable } from '../../sim/xs_board.js';

const C = suite('packet capture');
const dir = mkdtempSync(join(tmpdir(), 'zsock-pcap-'));
C.after(() => { if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); });

interface Run { v6?: boolean; keylog?: boolean; client?: string[]; server?: string[] }

/** A sample run's capture (and key log): the echo-server, and the echo-client over `proto`. */
function capture(proto: string, o: Run = {}): { file: string; keys: string } {
  const name = `${proto}${o.v6 ? '6' : ''}${o.client?.join('') ?? ''}`.replace(/\W/g, '');
  const file = join(dir, `${name}.pcap`), keys = join(dir, `${name}.keys`);
  const client = o.v6 ? ['moddable-esp32', '--config', 'PEER=2001:db8::1', '--config', 'FAMILY=6'] : ['espruino-esp32', '--config', 'PEER=server'];
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/zsock.mjs'), 'sim', '--pcap', file, ...(o.keylog ? ['--keylog', keys] : []),
    '--board', 'moddable-esp32', '--name', 'server', ...(o.server ?? []), '--config', `IPV6=${o.v6 ? 'y' : 'n'}`, 'echo-server',
    '--board', ...client, '--name', 'client', '--config', `PROTO=${proto}`, '--config', 'BLOCKS=5', ...(o.client ?? []), 'echo-client',
  ], { encoding: 'utf8', timeout: 60000, env: { ...process.env, ZSOCK_CACHE: join(dir, 'cache') } });
  assert.is(r.status, 0, r.stdout + r.stderr);
  return { file, keys };
}

function tshark(file: string, ...args: string[]): string[] {
  const r = spawnSync('tshark', ['-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', ...args], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

C('TLS 1.3 between two boards: every checksum good, the handshake dissected, timestamps in order', () => {
  const { file } = capture('tls');
  // 1 = Good (0 Bad, 2 Unverified).
  const sums = tshark(file, '-T', 'fields', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', 'frame.time_epoch');
  assert.ok(sums.length > 10, sums.join('\n'));
  assert.ok(sums.every((l) => /^1\t1\t/.test(l)), sums.join('\n'));
  const times = sums.map((l) => Number(l.split('\t')[2]));
  assert.ok(times.every((t, i) => i === 0 || t >= times[i - 1]), 'timestamps in order');
  assert.ok(Math.abs(times[0] * 1000 - Date.now()) < 120_000, 'stamped with the simulator\'s clock');
  const hs = tshark(file, '-Y', 'tls.handshake.type == 1 || tls.handshake.type == 2', '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tls.handshake.type', '-e', 'tls.handshake.extensions.supported_version');
  assert.ok(hs.some((l) => /^192\.0\.2\.3\t192\.0\.2\.1\t1\t/.test(l)), `ClientHello from the client board\n${hs.join('\n')}`);
  assert.ok(hs.some((l) => /^192\.0\.2\.1\t192\.0\.2\.3\t2\t0x0304/.test(l)), `ServerHello (TLS 1.3) from the server board\n${hs.join('\n')}`);
  const syn = tshark(file, '-Y', 'tcp.flags.syn == 1', '-T', 'fields', '-e', 'tcp.flags.ack', '-e', 'tcp.dstport');
  assert.equal(syn, ['0\t4243', '1\t49152'], 'one handshake: SYN, SYN-ACK');
  assert.is(tshark(file, '-Y', 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment || tcp.analysis.retransmission').filter(Boolean).length, 0);
});

C('DTLS 1.2 over UDP: checksums good, the handshake dissected', () => {
  const { file } = capture('dtls');
  const sums = tshark(file, '-Y', 'udp', '-T', 'fields', '-e', 'ip.checksum.status', '-e', 'udp.checksum.status');
  assert.ok(sums.length > 6 && sums.every((l) => l === '1\t1'), sums.join('\n'));
  const hs = tshark(file, '-Y', 'dtls.handshake.type', '-T', 'fields', '-e', 'dtls.handshake.type');
  const types = new Set(hs.flatMap((l) => l.split(',')));
  for (const t of ['1', '3', '2', '11', '16']) assert.ok(types.has(t), `handshake type ${t} in ${[...types]}`);
});

C('TCP over IPv6: the pseudo-header checksum of RFC 8200 good in every frame', () => {
  const { file } = capture('tcp', { v6: true });
  const rows = tshark(file, '-T', 'fields', '-e', 'ipv6.src', '-e', 'ipv6.dst', '-e', 'tcp.checksum.status');
  assert.ok(rows.length > 10, rows.join('\n'));
  assert.ok(rows.every((l) => /^2001:db8::[13]\t2001:db8::[13]\t1$/.test(l)), rows.join('\n'));
});

/** The echoed text tshark shows in clear, and the Finished messages it dissects, with `keys`. */
function decrypted(file: string, layer: 'tls' | 'dtls', keys?: string): { text: string[]; finished: number } {
  const k = keys ? ['-o', `tls.keylog_file:${keys}`] : [];
  const text = tshark(file, ...k, '-o', 'data.show_as_text:TRUE', '-Y', 'data.text', '-T', 'fields', '-e', 'data.text').filter(Boolean);
  const finished = tshark(file, ...k, '-Y', `${layer}.handshake.type == 20`).filter(Boolean).length;
  return { text, finished };
}

/** NSS key log lines: the labels, each line LABEL <64 hex> <hex>. */
function labels(keys: string): string[] {
  const lines = readFileSync(keys, 'utf8').trim().split('\n');
  for (const l of lines) assert.match(l, /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64,96}$/);
  assert.is(statSync(keys).mode & 0o777, 0o600, 'the key log is the user\'s only');
  return lines.map((l) => l.split(' ')[0]);
}

const TLS13 = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'];
// The server on XS (its own process: lines over its pipe), the client on V8 (its sandbox).
const XS_SERVER = xsAvailable() ? ['--engine', 'xs'] : [];

C('--keylog, TLS 1.3: both boards\' traffic secrets; tshark decrypts the echo with them, not without', () => {
  const { file, keys } = capture('tls', { keylog: true, server: XS_SERVER });
  assert.equal(labels(keys).sort(), [...TLS13, ...TLS13].sort(), 'four lines from each end');
  const clear = decrypted(file, 'tls', keys);
  assert.ok(clear.text.length >= 5 && clear.text.join('').includes('dolor sit amet'), `${clear.text.length} records in clear`);
  assert.ok(clear.finished >= 2, 'both Finished messages dissected');
  const opaque = decrypted(file, 'tls');
  assert.equal(opaque, { text: [], finished: 0 }, 'without the key log: ciphertext only');
});

C('--keylog, TLS 1.2: CLIENT_RANDOM with the master secret; tshark decrypts the echo', () => {
  const { file, keys } = capture('tls', { keylog: true, server: XS_SERVER, client: ['--config', 'TLS_VERSION=1.2'] });
  assert.equal(labels(keys), ['CLIENT_RANDOM', 'CLIENT_RANDOM']);
  assert.is(tshark(file, '-Y', 'tls.handshake.type == 2', '-T', 'fields', '-e', 'tls.handshake.version')[0], '0x0303');
  const clear = decrypted(file, 'tls', keys);
  assert.ok(clear.text.length >= 5 && clear.text.join('').includes('dolor sit amet'), `${clear.text.length} records in clear`);
  assert.ok(clear.finished >= 2);
  assert.equal(decrypted(file, 'tls'), { text: [], finished: 0 });
});

/** The echo-server (DTLS only) forwarded to this machine, `openssl s_client -dtls1_2` sending
 *  one line with its own key log: the capture, the board's key log and OpenSSL's. tshark 4.0
 *  decrypts DTLS with AES-GCM only (not ChaCha20, which the board prefers: with OpenSSL's own
 *  key log neither), so the client offers AES-GCM. */
async function opensslDtls(line: string): Promise<{ file: string; keys: string; ossl: string }> {
  const file = join(dir, 'dtls-openssl.pcap'), keys = join(dir, 'dtls-openssl.keys'), ossl = join(dir, 'dtls-openssl.ossl');
  const sim = spawn(process.execPath, [join(ROOT, 'bin/zsock.mjs'), 'sim', '--pcap', file, '--keylog', keys, '--board', 'moddable-esp32', ...XS_SERVER,
    '--config', 'IPV6=n', '--config', 'TCP=n', '--config', 'UDP=n', '--config', 'TLS=n', '--hostfwd', 'udp:0-:4243', 'echo-server'],
  { env: { ...process.env, ZSOCK_CACHE: join(dir, 'cache') } });
  let out = '';
  sim.stdout.on('data', (d) => { out += d; });
  sim.stderr.on('data', (d) => { out += d; });
  const stopped = new Promise((r) => sim.on('exit', r));
  try {
    await until(() => /Waiting for DTLS packets/.test(out) && /hostfwd udp 127\.0\.0\.1:\d+/.test(out), 30000, `the board to boot:\n${out}`);
    const port = /hostfwd udp 127\.0\.0\.1:(\d+)/.exec(out)![1];
    const client = spawn('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256', '-keylogfile', ossl, '-quiet', '-ign_eof']);
    let echo = '';
    client.stdout.on('data', (d) => { echo += d; });
    client.stdin.write(`${line}\n`);
    await until(() => echo.includes(line), 15000, `the echo (board: ${out})`);
    client.kill();
  } finally {
    sim.kill('SIGINT');
    await within(stopped, 10000, 'zsock sim to stop');
  }
  return { file, keys, ossl };
}

C('--keylog, DTLS 1.2: the board\'s CLIENT_RANDOM line is OpenSSL\'s own; tshark decrypts the datagrams', async () => {
  const line = `over DTLS ${Math.random().toString(36).slice(2)}`;
  const { file, keys, ossl } = await opensslDtls(line);
  assert.equal(labels(keys), ['CLIENT_RANDOM']);
  const theirs = readFileSync(ossl, 'utf8').split('\n').filter((l) => l.startsWith('CLIENT_RANDOM'));
  assert.equal(theirs, [readFileSync(keys, 'utf8').trim()], 'the same line as the peer\'s key log');
  const clear = decrypted(file, 'dtls', keys);
  assert.equal(clear.text, [`${line}\\n`, `${line}\\n`], 'the line and its echo in clear');
  assert.ok(clear.finished >= 2);
  assert.equal(decrypted(file, 'dtls'), { text: [], finished: 0 });
});

C.run();
