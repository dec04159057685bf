/** Secure-socket test helpers: credentials by tag, TLS listeners and clients. */
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import { allCredentials } from '../../src/tls/credentials.js';
import { pki } from './pki.js';
import { lo4, within } from './zs.js';

export const TAG = { CA: 1, EC: 2, RSA: 3, PSK: 4, CLIENT: 5, OTHER: 6, EXPIRED: 7 } as const;

export function addCredentials(): void {
  const add = (tag: number, type: number, data: Uint8Array) => assert.is(Z.tls_credential_add(tag, type, data), 0);
  add(TAG.CA, Z.TLS_CREDENTIAL_CA_CERTIFICATE, pki.ca());
  add(TAG.EC, Z.TLS_CREDENTIAL_SERVER_CERTIFICATE, pki.serverEc().cert);
  add(TAG.EC, Z.TLS_CREDENTIAL_PRIVATE_KEY, pki.serverEc().key);
  add(TAG.RSA, Z.TLS_CREDENTIAL_SERVER_CERTIFICATE, pki.serverRsa().cert);
  add(TAG.RSA, Z.TLS_CREDENTIAL_PRIVATE_KEY, pki.serverRsa().key);
  add(TAG.PSK, Z.TLS_CREDENTIAL_PSK, new Uint8Array(16).fill(0x42));
  add(TAG.PSK, Z.TLS_CREDENTIAL_PSK_ID, new TextEncoder().encode('zsock-dev'));
  add(TAG.CLIENT, Z.TLS_CREDENTIAL_PUBLIC_CERTIFICATE, pki.client().cert);
  add(TAG.CLIENT, Z.TLS_CREDENTIAL_PRIVATE_KEY, pki.client().key);
}

export function removeCredentials(): void {
  for (const c of allCredentials()) Z.tls_credential_delete(c.tag, c.type);
}

/** A TLS listener on loopback with `tags`; returns [fd, address]. */
export function tlsListener(tags: number[], proto = Z.IPPROTO_TLS_1_2, setup?: (fd: number) => void): [number, Z.SockAddr] {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, proto);
  assert.ok(fd >= 0, `socket ${fd}`);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, tags), 0);
  setup?.(fd);
  assert.is(Z.zsock_bind(fd, lo4()), 0);
  assert.is(Z.zsock_listen(fd, 4), 0);
  const a = {} as Z.SockAddr;
  Z.zsock_getsockname(fd, a);
  return [fd, a];
}

/** A TLS client socket trusting the test CA, for "localhost". */
export function tlsClient(proto = Z.IPPROTO_TLS_1_2, tags: number[] = [TAG.CA], hostname: string | null = 'localhost'): number {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, proto);
  assert.ok(fd >= 0, `socket ${fd}`);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, tags), 0);
  if (hostname !== undefined) assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_HOSTNAME, hostname), 0);
  return fd;
}

/** Connects a client to a listener and accepts; returns [client, accepted]. */
export async function tlsPair(listener: number, at: Z.SockAddr, client: number): Promise<[number, number]> {
  const [rc, a] = await within(Promise.all([Z.zsock_connect(client, at), Z.zsock_accept(listener)]), 8000, 'connect + accept');
  assert.is(rc, 0, `connect ${rc}`);
  assert.ok(a >= 0, `accept ${a}`);
  return [client, a];
}

export const getopt = (fd: number, level: number, opt: number): unknown => {
  const out: Z.Out<unknown> = {};
  const r = Z.zsock_getsockopt(fd, level, opt, out);
  return r < 0 ? r : out.value;
};
