/**
 * starttls: TLS started and stopped on an open connection, as STARTTLS protocols do, with the
 * SIOCTTLSCTL ioctl and a TLS policy (beyond Zephyr; see docs/ttls.md).
 *
 * The protocol is a small SMTP (enough for `openssl s_client -starttls smtp`) with two verbs of
 * its own, named so that openssl s_client does not take them for its command letters (R, Q, K):
 * XKEYUPDATE (the server sends a TLS 1.3 KeyUpdate), XTICKET (a NewSessionTicket), and STOPTLS
 * (both sides send close_notify and go on in plain text).
 *
 *   ROLE=server  listens on PORT; every handshake is started with zsock_tls_handshake_start and
 *                completes on one I/O completion port, which one task drains for all clients.
 *   ROLE=client  connects to PEER:PORT, talks plain, upgrades with INIT_CONNECTION, uses the
 *                secure session, STOPTLS back to plain, QUITs. Exit status 0 when all went well.
 */
import * as Z from 'zsock';
import { sampleConfig } from '../common/config.js';
import { EC_CERT, EC_KEY } from '../common/credentials.js';
import { addPem, tlsInfo, EC_TAG } from '../common/tls_info.js';
import { errstr, tlsErrstr } from '../common/errors.js';
import { LineConn } from './lines.js';

const CONFIG = sampleConfig({
  ROLE: 'server',
  /** ROLE=client: the server, by address or by a name getaddrinfo resolves. */
  PEER: '192.0.2.1',
  PORT: 2525,
  /** Seconds a client has to complete the TLS handshake (the rule's HandshakeTimeout). */
  HANDSHAKE_TIMEOUT: 10,
  /** Clients served at once. */
  MAX_CLIENTS: 8,
});

const log = (s: string) => console.log(s);

function setup(): void {
  if (CONFIG.ROLE === 'server') {
    addPem(EC_TAG, Z.TLS_CREDENTIAL_SERVER_CERTIFICATE, EC_CERT);
    addPem(EC_TAG, Z.TLS_CREDENTIAL_PRIVATE_KEY, EC_KEY);
  } else {
    addPem(EC_TAG, Z.TLS_CREDENTIAL_CA_CERTIFICATE, EC_CERT); // the server's self-signed certificate
  }
  const rule: Z.TtlsRule = CONFIG.ROLE === 'server'
    ? { name: 'smtp-in', direction: 'inbound', localPort: CONFIG.PORT, enabled: true, applicationControlled: true,
      role: 'server', secTags: [EC_TAG], handshakeTimeout: CONFIG.HANDSHAKE_TIMEOUT }
    : { name: 'smtp-out', direction: 'outbound', remotePort: CONFIG.PORT, enabled: true, applicationControlled: true,
      role: 'client', secTags: [EC_TAG], hostname: 'localhost', handshakeTimeout: CONFIG.HANDSHAKE_TIMEOUT };
  if (Z.ttls_policy_set([rule]) < 0) throw new Error('policy refused');
}

function ttls(fd: number, requestType: number): Promise<number> {
  return Z.zsock_ioctl(fd, Z.SIOCTTLSCTL, { version: Z.TTLS_VERSION1, requestType });
}

// ---- server ----------------------------------------------------------------------------------

const waiting = new Map<number, (o: Z.Overlapped) => void>();
let nextOp = 1;

/** The one task that drains the completion port for every connection. */
async function completions(port: number): Promise<void> {
  for (;;) {
    const out: Z.Out<Z.Overlapped> = {};
    const r = await Z.zsock_io_completion_wait(port, out, -1);
    if (r < 0) return;
    waiting.get(out.value!.operationId!)?.(out.value!);
  }
}

function upgrade(port: number, fd: number): Promise<Z.Overlapped> {
  const operationId = nextOp++;
  return new Promise((resolve) => {
    waiting.set(operationId, (o) => { waiting.delete(operationId); resolve(o); });
    const r = Z.zsock_tls_handshake_start(fd, port, { descriptorHandle: fd, operationId });
    if (r < 0) resolve({ returnValue: Z.GSK_ERROR_IO, errnoValue: -r });
  });
}

async function serve(port: number, fd: number, id: number): Promise<void> {
  const c = new LineConn(fd);
  await c.send('220 zsock ESMTP starttls sample');
  let secure = false;
  for (;;) {
    const line = await c.line();
    if (line === null) break;
    const verb = line.split(' ')[0].toUpperCase();
    if (verb === 'EHLO' || verb === 'HELO') await c.send(`250-zsock hello\r\n250-${secure ? 'STOPTLS' : 'STARTTLS'}\r\n250 8BITMIME`);
    else if (verb === 'NOOP') await c.send('250 OK');
    else if (verb === 'QUIT') { await c.send('221 Bye'); break; }
    else if (verb === 'STARTTLS' && !secure) {
      await c.send('220 Ready to start TLS');
      const done = await upgrade(port, fd);
      if (done.returnValue !== Z.GSK_OK) { log(`client ${id}: TLS handshake failed: ${tlsErrstr(fd, -(done.errnoValue ?? 0))}`); break; }
      secure = true;
      log(`client ${id}: secure, ${tlsInfo(fd)}`);
    } else if (verb === 'STOPTLS' && secure) {
      await c.send('220 Back to plain text');
      const r = await ttls(fd, Z.TTLS_STOP_CONNECTION);
      if (r < 0) { log(`client ${id}: STOP_CONNECTION: ${errstr(r)}`); break; }
      secure = false;
      log(`client ${id}: plain again`);
    } else if (verb === 'XKEYUPDATE' && secure) {
      const r = await ttls(fd, Z.TTLS_RESET_WRITE_CIPHER);
      await c.send(r === 0 ? '250 KeyUpdate sent' : `454 KeyUpdate failed (${errstr(r)})`);
    } else if (verb === 'XTICKET' && secure) {
      const r = await ttls(fd, Z.TTLS_SEND_SESSION_TICKET);
      await c.send(r === 0 ? '250 NewSessionTicket sent' : `454 ticket failed (${errstr(r)})`);
    } else await c.send('502 Command not implemented');
  }
  Z.zsock_close(fd);
  log(`client ${id}: closed`);
}

async function server(): Promise<void> {
  const l = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TCP);
  if (Z.zsock_bind(l, { family: Z.AF_INET, addr: '0.0.0.0', port: CONFIG.PORT }) < 0 || Z.zsock_listen(l, CONFIG.MAX_CLIENTS) < 0) {
    throw new Error(`cannot listen on ${CONFIG.PORT}: ${errstr(Z.zsock_errno())}`);
  }
  const port = Z.zsock_io_completion_port_create();
  void completions(port);
  log(`Waiting for SMTP connections on port ${CONFIG.PORT}...`);
  let active = 0;
  for (let id = 1; ; id++) {
    const fd = await Z.zsock_accept(l);
    if (fd < 0) { log(`accept: ${errstr(fd)}`); continue; }
    if (active >= CONFIG.MAX_CLIENTS) { Z.zsock_close(fd); continue; }
    active++;
    log(`client ${id}: connected`);
    void serve(port, fd, id).finally(() => active--);
  }
}

// ---- client ----------------------------------------------------------------------------------

async function expect(c: LineConn, code: string, what: string): Promise<void> {
  let line: string | null;
  do {
    line = await c.line();
    if (line === null) throw new Error(`${what}: connection closed`);
  } while (line[3] === '-'); // a multi-line reply ends with "NNN "
  if (!line.startsWith(code)) throw new Error(`${what}: ${line}`);
  log(`< ${line}`);
}

async function client(): Promise<void> {
  const res: Z.Out<Z.AddrInfo | null> = {};
  const rc = await Z.zsock_getaddrinfo(CONFIG.PEER, String(CONFIG.PORT), { ai_family: Z.AF_INET, ai_socktype: Z.SOCK_STREAM }, res);
  if (rc !== 0 || !res.value) throw new Error(`cannot resolve ${CONFIG.PEER}: ${Z.zsock_gai_strerror(rc)}`);
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TCP);
  const r = await Z.zsock_connect(fd, res.value.ai_addr);
  if (r < 0) throw new Error(`connect: ${errstr(r)}`);
  const c = new LineConn(fd);
  await expect(c, '220', 'greeting');
  await c.send('EHLO zsock-client');
  await expect(c, '250', 'EHLO');
  await c.send('STARTTLS');
  await expect(c, '220', 'STARTTLS');
  const init = await ttls(fd, Z.TTLS_INIT_CONNECTION);
  if (init < 0) throw new Error(`INIT_CONNECTION: ${tlsErrstr(fd, init)}`);
  const q: Z.TtlsIoctl = { version: Z.TTLS_VERSION1, requestType: Z.TTLS_QUERY_ONLY };
  await Z.zsock_ioctl(fd, Z.SIOCTTLSCTL, q);
  log(`secure: ${tlsInfo(fd)}, key share ${q.keyShare}, peer certificate ${q.certLen} bytes`);
  for (const cmd of ['EHLO zsock-client', 'XKEYUPDATE', 'NOOP', 'XTICKET', 'NOOP']) {
    await c.send(cmd);
    await expect(c, '250', cmd);
  }
  await c.send('STOPTLS');
  await expect(c, '220', 'STOPTLS');
  const stop = await ttls(fd, Z.TTLS_STOP_CONNECTION);
  if (stop < 0) throw new Error(`STOP_CONNECTION: ${errstr(stop)}`);
  log('plain again');
  await c.send('NOOP');
  await expect(c, '250', 'NOOP in plain text');
  await c.send('QUIT');
  await expect(c, '221', 'QUIT');
  Z.zsock_close(fd);
  log('done');
}

setup();
(CONFIG.ROLE === 'server' ? server() : client()).then(
  () => Z.sys_exit(0),
  (e: Error) => { log(`error: ${e.message}`); Z.sys_exit(1); },
);
