/**
 * `zsock sim --pcap`: the capture of a sample run read by tshark (Debian's): Ethernet/IPv4 with
 * TCP and UDP, every checksum good, timestamps in order, and the TLS 1.3 handshake of the
 * echo-client and echo-server dissected (ClientHello, ServerHello), as is DTLS 1.2's over UDP;
 * TCP over IPv6 with its checksums.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/pki.js';

const C = suite('packet capture');
const dir = mkdtempSync(join(tmpdir(), 'zsock-pcap-'));
C.after(() => rmSync(dir, { recursive: true, force: true }));

function capture(proto: string, v6 = false): string {
  const file = join(dir, `${proto}${v6 ? '6' : ''}.pcap`);
  const client = v6 ? ['moddable-esp32', '--config', 'PEER=2001:db8::1', '--config', 'FAMILY=6'] : ['espruino-esp32', '--config', 'PEER=server'];
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/zsock.mjs'), 'sim', '--pcap', file,
    '--board', 'moddable-esp32', '--name', 'server', '--config', `IPV6=${v6 ? 'y' : 'n'}`, 'echo-server',
    '--board', ...client, '--name', 'client', '--config', `PROTO=${proto}`, '--config', 'BLOCKS=5', 'echo-client',
  ], { encoding: 'utf8', timeout: 60000, env: { ...process.env, ZSOCK_CACHE: join(dir, 'cache') } });
  assert.is(r.status, 0, r.stdout + r.stderr);
  return file;
}

function tshark(file: string, ...args: string[]): string[] {
  const r = spawnSync('tshark', ['-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', ...args], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

C('TLS 1.3 between two boards: every checksum good, the handshake dissected, timestamps in order', () => {
  const file = capture('tls');
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
  const file = capture('dtls');
  const sums = tshark(file, '-Y', 'udp', '-T', 'fields', '-e', 'ip.checksum.status', '-e', 'udp.checksum.status');
  assert.ok(sums.length > 6 && sums.every((l) => l === '1\t1'), sums.join('\n'));
  const hs = tshark(file, '-Y', 'dtls.handshake.type', '-T', 'fields', '-e', 'dtls.handshake.type');
  const types = new Set(hs.flatMap((l) => l.split(',')));
  for (const t of ['1', '3', '2', '11', '16']) assert.ok(types.has(t), `handshake type ${t} in ${[...types]}`);
});

C('TCP over IPv6: the pseudo-header checksum of RFC 8200 good in every frame', () => {
  const file = capture('tcp', true);
  const rows = tshark(file, '-T', 'fields', '-e', 'ipv6.src', '-e', 'ipv6.dst', '-e', 'tcp.checksum.status');
  assert.ok(rows.length > 10, rows.join('\n'));
  assert.ok(rows.every((l) => /^2001:db8::[13]\t2001:db8::[13]\t1$/.test(l)), rows.join('\n'));
});

C.run();
