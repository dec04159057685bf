/** Helpers for policy-controlled TLS tests: a rule pair for one loopback port, a plain TCP
 *  connection between zsock sockets, SIOCTTLSCTL calls, line I/O. */
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import { tcpListener, lo4, within } from './zs.js';
import { TAG } from './tls.js';

/** Server and client rules for connections to `port` (application-controlled unless told). */
export function rules(port: number, over: Partial<Z.TtlsRule> = {}, client: Partial<Z.TtlsRule> = {}): Z.TtlsRule[] {
  return [
    { name: 'srv', direction: 'inbound', localPort: port, enabled: true, applicationControlled: true, role: 'server', secTags: [TAG.EC], ...over },
    { name: 'cli', direction: 'outbound', remotePort: port, enabled: true, applicationControlled: true, role: 'client', secTags: [TAG.CA], hostname: 'localhost', ...over, ...client },
  ];
}

/** A listener on a free loopback port, the policy for it, and a connected plain pair. */
export async function plainPair(over: Partial<Z.TtlsRule> = {}, client: Partial<Z.TtlsRule> = {}, policy = true): Promise<{ c: number; s: number; port: number; l: number }> {
  const [l, port] = tcpListener();
  if (policy) assert.is(Z.ttls_policy_set(rules(port, over, client)), 0);
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TCP);
  const [rc, s] = await within(Promise.all([Z.zsock_connect(c, lo4(port)), Z.zsock_accept(l)]), 5000, 'connect');
  assert.is(rc, 0);
  assert.ok(s >= 0);
  return { c, s, port, l };
}

/** A request block. */
export const req = (requestType: number, more: Partial<Z.TtlsIoctl> = {}): Z.TtlsIoctl =>
  ({ version: Z.TTLS_VERSION1, requestType, ...more });

export function ioctl(fd: number, r: Z.TtlsIoctl): Promise<number> {
  return Z.zsock_ioctl(fd, Z.SIOCTTLSCTL, r);
}

/** Both ends secured (INIT_CONNECTION on each, blocking). */
export async function initBoth(c: number, s: number): Promise<void> {
  const [a, b] = await within(Promise.all([ioctl(c, req(Z.TTLS_INIT_CONNECTION)), ioctl(s, req(Z.TTLS_INIT_CONNECTION))]), 8000, 'INIT_CONNECTION');
  assert.is(a, 0, `client INIT ${a}`);
  assert.is(b, 0, `server INIT ${b}`);
}

const enc = new TextEncoder(), dec = new TextDecoder();

export async function sendText(fd: number, text: string): Promise<void> {
  assert.is(await Z.zsock_send(fd, enc.encode(text), 0), text.length);
}

/** Reads exactly n bytes as text. */
export async function recvText(fd: number, n: number): Promise<string> {
  const buf = new Uint8Array(n);
  const r = await within(Z.zsock_recv(fd, buf, Z.ZSOCK_MSG_WAITALL), 5000, 'recv');
  assert.is(r, n, `recv ${r}`);
  return dec.decode(buf);
}

/** Echo of `text` from a to b and back. */
export async function echo(a: number, b: number, text: string): Promise<void> {
  await sendText(a, text);
  assert.is(await recvText(b, text.length), text);
  await sendText(b, text.toUpperCase());
  assert.is(await recvText(a, text.length), text.toUpperCase());
}
