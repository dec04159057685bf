/**
 * samples/starttls, and STARTTLS interop with OpenSSL: the sample's client and server on two
 * simulated boards; `openssl s_client -starttls smtp -msg` against the sample server (KeyUpdate
 * and NewSessionTicket seen in OpenSSL's trace, and OpenSSL's own KeyUpdate taken); a zsock client
 * that upgrades to TLS with `openssl s_server` after a plain prelude.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect as tcpConnect, type Server } from 'node:net';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Sim, type BoardSpec, type Engine } from '../../sim/sim.js';
import * as Z from '../../src/api/index.js';
import { EC_CERT, EC_KEY } from '../../samples/common/credentials.js';
import { ROOT } from '../helpers/pki.js';
import { freePort } from '../helpers/net.js';
import { closeAll, lo4, within, until } from '../helpers/zs.js';
import { ioctl, req } from '../helpers/ttls.js';
import { ENGINES, assertEngine, engineName } from '../helpers/engines.js';

const sample = join(ROOT, 'samples', 'starttls', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'zsock-starttls-'));
writeFileSync(join(dir, 'ec.crt'), EC_CERT);
writeFileSync(join(dir, 'ec.key'), EC_KEY);

let sims: Sim[] = [];
let procs: ChildProcess[] = [];
let servers: Server[] = [];
let lines: string[] = [];
test.after.each(() => {
  sims.forEach((s) => s.stop());
  procs.forEach((p) => p.kill('SIGKILL'));
  servers.forEach((s) => s.close());
  closeAll();
  Z.ttls_policy_set([]);
  Z.tls_credential_delete(9, Z.TLS_CREDENTIAL_CA_CERTIFICATE);
  sims = []; procs = []; servers = []; lines = [];
});

async function boot(boards: BoardSpec[], engine: Engine = 'v8'): Promise<Sim> {
  const sim = new Sim({ boards, engine, seed: 7, log: (l) => { lines.push(l); } });
  sims.push(sim);
  await sim.start();
  for (const b of boards) if (b.board === 'moddable-esp32') assertEngine(lines, b.name!, engine);
  return sim;
}

for (const engine of ENGINES) test(`the sample (moddable-esp32 on ${engineName(engine)}): two clients (espruino-esp32, moddable-esp32) upgrade, rekey, take a ticket and stop TLS with one server draining one completion port`, async () => {
  await boot([
    { board: 'moddable-esp32', name: 'server', firmware: sample, config: { ROLE: 'server' } },
    { board: 'espruino-esp32', name: 'client', firmware: sample, config: { ROLE: 'client', PEER: 'server' } },
    { board: 'moddable-esp32', name: 'client2', firmware: sample, config: { ROLE: 'client', PEER: 'server' } },
  ], engine);
  await until(() => lines.includes('[client] done') && lines.includes('[client2] done'), 20000, `both clients:\n${lines.join('\n')}`);
  const out = lines.join('\n');
  assert.not.ok(lines.some((l) => l.includes('error:')), out);
  for (const who of ['client', 'client2']) {
    for (const want of ['secure: TLS 1.3', '< 250 KeyUpdate sent', '< 250 NewSessionTicket sent', 'plain again', '< 221 Bye']) {
      assert.ok(lines.some((l) => l.startsWith(`[${who}] `) && l.includes(want)), `missing "${want}" from ${who} in:\n${out}`);
    }
  }
  for (const n of [1, 2]) assert.ok(lines.includes(`[server] client ${n}: plain again`), out);
});

/** Runs the sample server as a host process (native-sim) on a free port. */
async function hostServer(): Promise<number> {
  const port = await freePort();
  await boot([{ board: 'native-sim', name: 'smtp', firmware: sample, config: { ROLE: 'server', PORT: String(port) } }]);
  await until(() => lines.some((l) => l.includes('Waiting for SMTP')), 10000, 'the server');
  return port;
}

/** A process with stdin driven line by line and its output collected. */
function run(cmd: string, args: string[]): { p: ChildProcess; out: () => string; saw: (s: string, ms?: number) => Promise<void> } {
  const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  procs.push(p);
  let text = '';
  p.stdout!.on('data', (d) => { text += d; });
  p.stderr!.on('data', (d) => { text += d; });
  const saw = (s: string, ms = 5000) => until(() => text.includes(s), ms, `"${s}" from ${cmd}:\n${text}`);
  return { p, out: () => text, saw };
}

test('openssl s_client -starttls smtp: upgrade, server KeyUpdate and NewSessionTicket in the trace, OpenSSL\'s KeyUpdate taken', async () => {
  const port = await hostServer();
  const o = run('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${port}`, '-CAfile', join(dir, 'ec.crt'),
    '-verify_hostname', 'localhost', '-verify_return_error', '-msg', '-crlf', '-tls1_3']);
  await o.saw('Verify return code: 0 (ok)');
  const count = (s: string) => o.out().split(s).length - 1;
  const tickets0 = count('NewSessionTicket');
  o.p.stdin!.write('XKEYUPDATE\n');
  await o.saw('250 KeyUpdate sent');
  assert.ok(/<<< TLS 1.3, Handshake \[length 0005\], KeyUpdate/.test(o.out()), 'openssl received our KeyUpdate');
  o.p.stdin!.write('XTICKET\n');
  await o.saw('250 NewSessionTicket sent');
  assert.is(count('NewSessionTicket') > tickets0, true, 'one more NewSessionTicket');
  // OpenSSL answers update_requested with its own KeyUpdate before its next record
  assert.ok(/>>> TLS 1.3, Handshake \[length 0005\], KeyUpdate/.test(o.out()), 'OpenSSL answered our update_requested');
  const sent = count('>>> TLS 1.3, Handshake [length 0005], KeyUpdate');
  o.p.stdin!.write('k\n'); // s_client's command letter: send a KeyUpdate (update_not_requested)
  await until(() => count('>>> TLS 1.3, Handshake [length 0005], KeyUpdate') > sent, 5000, 'openssl KeyUpdate');
  o.p.stdin!.write('NOOP\n');
  await o.saw('250 OK'); // the server read this under OpenSSL's new key
  assert.ok(lines.some((l) => l.includes('client 1: secure, TLS 1.3')), lines.join('\n'));
});

test('a zsock client upgrades with openssl s_server after a plain prelude, and OpenSSL takes its KeyUpdate', async () => {
  const back = await freePort();
  const s = run('openssl', ['s_server', '-accept', String(back), '-cert', join(dir, 'ec.crt'), '-key', join(dir, 'ec.key'), '-rev', '-msg', '-tls1_3']);
  await s.saw('ACCEPT');
  // the front speaks the plain prelude, then hands the connection to openssl s_server
  const front = createServer((sock) => {
    sock.on('error', () => {});
    sock.write('220 hello\r\n');
    sock.once('data', () => {
      sock.write('220 go ahead\r\n');
      const up = tcpConnect(back, '127.0.0.1').on('error', () => {});
      sock.pipe(up).pipe(sock);
    });
  });
  servers.push(front);
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const port = (front.address() as { port: number }).port;
  assert.is(Z.tls_credential_add(9, Z.TLS_CREDENTIAL_CA_CERTIFICATE, new TextEncoder().encode(EC_CERT + '\0')), 0);
  assert.is(Z.ttls_policy_set([{ name: 'up', remotePort: port, enabled: true, applicationControlled: true, role: 'client', secTags: [9], hostname: 'localhost' }]), 0);
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(await Z.zsock_connect(fd, lo4(port)), 0);
  const buf = new Uint8Array(64);
  const readLine = async () => {
    let line = '';
    while (!line.endsWith('\n')) {
      const n = await within(Z.zsock_recv(fd, buf.subarray(0, 1), 0), 5000, 'line');
      if (n <= 0) throw new Error(`recv ${n}`);
      line += String.fromCharCode(buf[0]);
    }
    return line;
  };
  assert.is(await readLine(), '220 hello\r\n');
  await Z.zsock_send(fd, new TextEncoder().encode('STARTTLS\r\n'), 0);
  assert.is(await readLine(), '220 go ahead\r\n');
  assert.is(await ioctl(fd, req(Z.TTLS_INIT_CONNECTION)), 0);
  await Z.zsock_send(fd, new TextEncoder().encode('zsock\n'), 0);
  assert.is(await readLine(), 'kcosz\n', 's_server -rev answers reversed');
  assert.is(await ioctl(fd, req(Z.TTLS_RESET_WRITE_CIPHER)), 0);
  await Z.zsock_send(fd, new TextEncoder().encode('after update\n'), 0);
  assert.is(await readLine(), 'etadpu retfa\n');
  await s.saw('KeyUpdate');
  assert.ok(/<<< TLS 1.3, Handshake \[length 0005\], KeyUpdate/.test(s.out()), 'openssl received our KeyUpdate');
  const q = req(Z.TTLS_QUERY_ONLY);
  assert.is(await ioctl(fd, q), 0);
  assert.equal([q.connStatus, q.protocol], [Z.TTLS_CONN_SECURE, 0x0304]);
});

test.run();
