/**
 * echo-server: Zephyr's samples/net/sockets/echo_server with zsock. Echoes TCP and UDP on port
 * 4242 and, with TLS/DTLS enabled, TLS (IPPROTO_TLS_1_2: TLS 1.2 or 1.3) on TCP 4243 and DTLS 1.2
 * on UDP 4243, over IPv4 and IPv6 where the board has it. Zephyr's TLS overlay moves TCP/UDP to
 * TLS/DTLS on 4242; here both run side by side so one build answers plain and secure clients.
 * Credentials are registered by tag at start: a self-signed RSA-2048 CN=localhost certificate
 * (tag 1), an ECDSA P-256 one (tag 3) and a PSK (tag 2).
 */
import * as Z from 'zsock';
import { sampleConfig } from '../common/config.js';
import { RSA_CERT, RSA_KEY, EC_CERT, EC_KEY, PSK_HEX, PSK_ID } from '../common/credentials.js';
import { errstr, tlsErrstr } from '../common/errors.js';
import { addPem, hexBytes, tlsInfo, RSA_TAG, PSK_TAG, EC_TAG } from '../common/tls_info.js';

const CONFIG = sampleConfig({
  PORT: 4242, // MY_PORT
  TLS_PORT: 4243,
  TCP: true,
  UDP: true,
  TLS: true,
  DTLS: true,
  IPV6: true,
  /** CONFIG_NET_SAMPLE_NUM_HANDLERS: connections served at once per listener. */
  NUM_HANDLERS: 4,
  /** Seconds between "Received N B/sec" lines (Zephyr: 60). */
  STATS_PERIOD: 60,
  /** Log every echo ("Received and replied with N bytes"). */
  VERBOSE: true,
});

const RECV_BUF_SIZE = 1280;
let received = 0;

function log(s: string): void {
  console.log(s);
}

async function sendAll(fd: number, data: Uint8Array): Promise<number> {
  for (let at = 0; at < data.length;) {
    const n = await Z.zsock_send(fd, data.subarray(at), 0);
    if (n < 0) return n;
    at += n;
  }
  return data.length;
}

/** One connection: echo until the peer closes. */
async function handleConnection(proto: string, fam: string, fd: number): Promise<void> {
  const buf = new Uint8Array(RECV_BUF_SIZE);
  let packets = 0;
  for (;;) {
    const n = await Z.zsock_recv(fd, buf, 0);
    if (n === 0) break;
    if (n < 0) { log(`${proto} (${fam}): Connection error ${tlsErrstr(fd, n)}`); break; }
    received += n;
    const w = await sendAll(fd, buf.subarray(0, n));
    if (w < 0) { log(`${proto} (${fam}): Failed to send: ${tlsErrstr(fd, w)}`); break; }
    if (CONFIG.VERBOSE) log(`${proto} (${fam}): Received and replied with ${n} bytes`);
    if (++packets % 1000 === 0) log(`${proto} (${fam}): Sent ${packets} packets`);
  }
  Z.zsock_close(fd);
  log(`${proto} (${fam}): Connection closed`);
}

/** Errors one peer causes (a failed handshake, a reset, a full table); others stop the loop. */
function transient(rc: number): boolean {
  return [Z.errno.ECONNABORTED, Z.errno.ECONNRESET, Z.errno.ETIMEDOUT, Z.errno.ENOMEM, Z.errno.ENFILE, Z.errno.EMFILE, Z.errno.ECONNREFUSED].includes(-rc);
}

/** Why a socket could not be bound (now, or later through accept/recvfrom: the stack binds
 *  asynchronously on some boards). */
function bindFailed(name: string, family: number, port: number, err: number): void {
  const fam = family === Z.AF_INET ? 'IPv4' : 'IPv6';
  if (family === Z.AF_INET6 && err === -Z.errno.EADDRINUSE) log(`${name} (${fam}): port ${port} is served by the IPv4 socket (this stack binds both families)`);
  else if (err === -Z.errno.EAFNOSUPPORT) log(`${name} (${fam}): not supported on this board`);
  else log(`${name} (${fam}): Failed to bind: ${errstr(err)}`);
}

/** Sockets for one protocol on one family; null (logged) where the board cannot. */
function open(family: number, type: number, proto: number, port: number, name: string): number | null {
  const fam = family === Z.AF_INET ? 'IPv4' : 'IPv6';
  const fd = Z.zsock_socket(family, type, proto);
  if (fd < 0) { log(`${name} (${fam}): Failed to create socket: ${errstr(fd)}`); return null; }
  if (proto === Z.IPPROTO_TLS_1_2 || proto === Z.IPPROTO_DTLS_1_2) {
    Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [RSA_TAG, EC_TAG, PSK_TAG]);
    if (proto === Z.IPPROTO_DTLS_1_2) Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_ROLE, Z.TLS_DTLS_ROLE_SERVER);
  }
  if (family === Z.AF_INET6) Z.zsock_setsockopt(fd, Z.IPPROTO_IPV6, Z.IPV6_V6ONLY, 1);
  const rc = Z.zsock_bind(fd, { family, addr: family === Z.AF_INET ? '0.0.0.0' : '::', port });
  if (rc < 0 || (type === Z.SOCK_STREAM && Z.zsock_listen(fd, CONFIG.NUM_HANDLERS) < 0)) {
    bindFailed(name, family, port, rc < 0 ? rc : -Z.zsock_errno());
    Z.zsock_close(fd);
    return null;
  }
  log(`Waiting for ${name} ${type === Z.SOCK_STREAM ? 'connection' : 'packets'} on port ${port} (${fam})...`);
  return fd;
}

/** A connection being served (Zephyr's sample: one handler thread's slot). */
interface Handler {
  fd: number;
  /** Its TLS handshake is still under way. */
  handshaking: boolean;
  /** Closed by the accept loop to make room (its fd number may be reused already). */
  dropped: boolean;
}

/** One connection: the TLS handshake (this connection's own wait, never the accept loop's),
 *  then the echo. */
async function serveConnection(proto: string, fam: string, h: Handler): Promise<void> {
  if (h.handshaking) {
    // Bounded by CONFIG_NET_SOCKETS_TLS_CONNECT_TIMEOUT; -EINTR if the accept loop drops it.
    const rc = await Z.zsock_tls_handshake(h.fd);
    if (h.dropped) return;
    if (rc !== 1) {
      log(`${proto} (${fam}): Handshake failed: ${rc === 0 ? 'the peer closed' : tlsErrstr(h.fd, rc)}`);
      Z.zsock_close(h.fd);
      return;
    }
    h.handshaking = false;
  }
  log(`${proto} (${fam}): Accepted connection${proto === 'TLS' ? `, ${tlsInfo(h.fd)}` : ''}`);
  await handleConnection(proto, fam, h.fd);
}

/** Room for one more connection: a free slot, else the oldest connection still in its TLS
 *  handshake is dropped, so peers that connect and stall cannot hold every slot (Zephyr's
 *  sample refuses the newcomer instead). False when every slot holds an established peer. */
function makeRoom(handlers: Handler[], proto: string, fam: string, force = false): boolean {
  if (!force && handlers.length < CONFIG.NUM_HANDLERS) return true;
  const stalled = handlers.findIndex((h) => h.handshaking);
  if (stalled < 0) return false;
  const [h] = handlers.splice(stalled, 1);
  h.dropped = true;
  Z.zsock_close(h.fd);
  log(`${proto} (${fam}): Dropped a connection still in its handshake, to serve a new one`);
  return true;
}

/** The accept loop, poll-driven: the listener is non-blocking, so a TLS accept hands the new
 *  connection over at once and its handshake runs in its own handler; at most NUM_HANDLERS
 *  connections at once, as Zephyr's handler threads. */
async function serveStream(family: number, proto: number, port: number, name: string): Promise<void> {
  const l = open(family, Z.SOCK_STREAM, proto, port, name);
  if (l === null) return;
  const fam = family === Z.AF_INET ? 'IPv4' : 'IPv6';
  Z.zsock_fcntl(l, Z.F_SETFL, Z.O_NONBLOCK);
  const handlers: Handler[] = [];
  let freed: (() => void) | null = null;
  const fds: Z.PollFd[] = [{ fd: l, events: Z.ZSOCK_POLLIN, revents: 0 }];
  for (;;) {
    const ready = await Z.zsock_poll(fds, 1, -1);
    if (ready < 0) { log(`${name} (${fam}): poll failed: ${errstr(ready)}`); Z.zsock_close(l); return; }
    if (!makeRoom(handlers, name, fam)) {
      await new Promise<void>((r) => { freed = r; }); // every slot holds an established peer
      continue;
    }
    const fd = await Z.zsock_accept(l);
    if (fd === -Z.errno.EAGAIN) continue;
    if (fd < 0) {
      if (fd === -Z.errno.EADDRINUSE || fd === -Z.errno.EAFNOSUPPORT) bindFailed(name, family, port, fd);
      else log(`${name} (${fam}): Accept failed: ${errstr(fd)}`);
      if (!transient(fd)) {
        Z.zsock_close(l); // gives its TLS context back
        return;
      }
      // No TLS context free: one held by a stalled handshake serves the next peer instead.
      if (fd === -Z.errno.ENOMEM && !makeRoom(handlers, name, fam, true)) await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const h: Handler = { fd, handshaking: name === 'TLS', dropped: false };
    handlers.push(h);
    void serveConnection(name, fam, h).then(() => {
      const at = handlers.indexOf(h);
      if (at >= 0) handlers.splice(at, 1);
      freed?.();
      freed = null;
    });
  }
}

async function serveDatagram(family: number, proto: number, port: number, name: string): Promise<void> {
  const fd = open(family, Z.SOCK_DGRAM, proto, port, name);
  if (fd === null) return;
  const fam = family === Z.AF_INET ? 'IPv4' : 'IPv6';
  const buf = new Uint8Array(RECV_BUF_SIZE);
  let packets = 0;
  for (;;) {
    const from = {} as Z.SockAddr;
    const n = await Z.zsock_recvfrom(fd, buf, 0, from);
    if (n < 0) {
      if (n === -Z.errno.EADDRINUSE || n === -Z.errno.EAFNOSUPPORT) bindFailed(name, family, port, n);
      else log(`${name} (${fam}): Connection error ${errstr(n)}`);
      // A DTLS peer that failed its handshake or went away: the socket serves the next one.
      if (!transient(n)) {
        Z.zsock_close(fd);
        return;
      }
      continue;
    }
    received += n;
    const w = await Z.zsock_sendto(fd, buf.subarray(0, n), 0, from);
    if (w < 0) { log(`${name} (${fam}): Failed to send: ${errstr(w)}`); continue; }
    if (CONFIG.VERBOSE) log(`${name} (${fam}): Received and replied with ${n} bytes`);
    if (++packets % 1000 === 0) log(`${name} (${fam}): Sent ${packets} packets`);
  }
}

function registerCredentials(): void {
  const checks = [
    addPem(RSA_TAG, Z.TLS_CREDENTIAL_SERVER_CERTIFICATE, RSA_CERT),
    addPem(RSA_TAG, Z.TLS_CREDENTIAL_PRIVATE_KEY, RSA_KEY),
    addPem(EC_TAG, Z.TLS_CREDENTIAL_SERVER_CERTIFICATE, EC_CERT),
    addPem(EC_TAG, Z.TLS_CREDENTIAL_PRIVATE_KEY, EC_KEY),
    Z.tls_credential_add(PSK_TAG, Z.TLS_CREDENTIAL_PSK, hexBytes(PSK_HEX)),
    Z.tls_credential_add(PSK_TAG, Z.TLS_CREDENTIAL_PSK_ID, new TextEncoder().encode(PSK_ID)),
  ];
  const bad = checks.find((rc) => rc < 0);
  if (bad !== undefined) log(`Failed to register credentials: ${errstr(bad)}`);
}

function main(): void {
  log('Run echo server');
  if (CONFIG.TLS || CONFIG.DTLS) registerCredentials();
  const families = CONFIG.IPV6 ? [Z.AF_INET, Z.AF_INET6] : [Z.AF_INET];
  for (const family of families) {
    if (CONFIG.TCP) void serveStream(family, Z.IPPROTO_TCP, CONFIG.PORT, 'TCP');
    if (CONFIG.UDP) void serveDatagram(family, Z.IPPROTO_UDP, CONFIG.PORT, 'UDP');
    if (CONFIG.TLS) void serveStream(family, Z.IPPROTO_TLS_1_2, CONFIG.TLS_PORT, 'TLS');
    if (CONFIG.DTLS) void serveDatagram(family, Z.IPPROTO_DTLS_1_2, CONFIG.TLS_PORT, 'DTLS');
  }
  let last = 0;
  setInterval(() => {
    if (received !== last) log(`Received ${Math.round((received - last) / CONFIG.STATS_PERIOD)} B/sec`);
    last = received;
  }, CONFIG.STATS_PERIOD * 1000);
}

main();
