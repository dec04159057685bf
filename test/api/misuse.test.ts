/**
 * The misuse harness: every exported function of the zsock API, called with every kind of bad
 * value (wrong types, detached and zero-length buffers, huge, negative and fractional numbers,
 * closed fds, throwing Proxies, frozen objects, Symbols, BigInts, wrong option shapes), mixed
 * with good ones so calls reach deep. Zero throws, zero rejections: every result is a negative
 * errno or a valid value. Seeded: a failure prints the call that caused it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import { closeAll, lo4 } from '../helpers/zs.js';
import { rng } from '../helpers/sessions.js';
import { addCredentials, removeCredentials } from '../helpers/tls.js';

/** Functions left out of the random calls, and why. */
const SKIP: Record<string, string> = {
  configure: 'changes every limit of the process (tested on its own below)',
  setDriver: 'replaces the network under every socket (board code, not application code)',
  registerSocketFamily: 'extends socket() for every caller (board code)',
  loadCredentials: 'reads files (its bad paths are tested on their own)',
  saveCredentials: 'writes files (likewise)',
  app_config: 'a build-time declaration: a bad setting stops the firmware with an AppConfigError (tested in its suite)',
};

function detached(): Uint8Array {
  const b = new Uint8Array(16);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

const throwing = () => new Proxy({}, { get() { throw new Error('proxy get'); }, has() { throw new Error('proxy has'); }, ownKeys() { throw new Error('proxy keys'); } });

/** Bad and good values; a call picks one per argument. */
function pool(fds: number[]): (() => unknown)[] {
  return [
    () => undefined, () => null, () => 0, () => 1, () => -1, () => 2 ** 31, () => 2 ** 53, () => -(2 ** 31), () => 1.5,
    () => NaN, () => Infinity, () => '3', () => '', () => 'localhost', () => Symbol('s'), () => 10n, () => true,
    () => ({}), () => [], () => [1, 2, 3], () => Object.freeze({ value: 1 }), throwing, () => () => 0,
    () => new Uint8Array(0), () => new Uint8Array(64), detached, () => new ArrayBuffer(8), () => new Uint16Array(4),
    () => lo4(0), () => lo4(1), () => ({ family: 99, addr: 'x', port: -5 }), () => ({ family: Z.AF_INET6, addr: '::1', port: 70000 }),
    () => ({ tv_sec: 0, tv_usec: 2600000 }), () => ({ tv_sec: -1, tv_usec: 0 }), () => ({ value: 1 }), () => ({ value: throwing() }),
    () => ({ msg_iov: [new Uint8Array(4), detached()] }), () => ({ msg_iov: null }), () => ({ version: 1, requestType: 1 }),
    () => [{ fd: fds[0], events: 1, revents: 0 }], () => [{ fd: 'x', events: 1 }], () => new Z.ZsockFdSet(),
    () => ({ bits: null }), () => ({ cb: 5 }), () => ({ name: 'r', enabled: true, role: 'server' }),
    ...fds.map((fd) => () => fd), () => 9999,
    () => Z.SOL_SOCKET, () => Z.SOL_TLS, () => Z.IPPROTO_TCP, () => Z.TLS_SEC_TAG_LIST, () => Z.SO_RCVTIMEO,
    () => Z.TLS_DTLS_CID_VALUE, () => Z.SIOCTTLSCTL, () => Z.FIONREAD, () => Z.ZSOCK_MSG_DONTWAIT,
  ];
}

/** Open sockets of every kind, and one closed fd, for the calls to use. */
function sockets(): number[] {
  const fds = [
    Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TCP),
    Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_UDP),
    Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_2),
    Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2),
  ];
  const sv: number[] = [];
  Z.zsock_socketpair(Z.AF_UNIX, Z.SOCK_STREAM, 0, sv);
  const closed = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  Z.zsock_close(closed);
  for (const fd of fds) Z.zsock_fcntl(fd, Z.F_SETFL, Z.O_NONBLOCK); // nothing a call does may wait long
  return [...fds, ...sv, closed];
}

/** A short printable form of an argument. */
function describe(a: unknown): string {
  if (a instanceof Uint8Array) return a.buffer.byteLength === 0 && a.length === 0 && a.byteOffset === 0 ? 'Uint8Array(0 or detached)' : `Uint8Array(${a.length})`;
  try {
    return typeof a === 'symbol' || typeof a === 'bigint' || typeof a === 'function' ? String(a) : (JSON.stringify(a) ?? String(a)).slice(0, 60);
  } catch {
    return '<throwing proxy>';
  }
}

/** A result is fine when it is a negative errno, 0 or a count, or a value of the call's kind. */
function acceptable(r: unknown): boolean {
  if (typeof r === 'number') return Number.isInteger(r);
  return true; // strings, booleans, objects, null: the call answered
}

const harness = suite('misuse: every export, every kind of bad value');
harness.before.each(addCredentials);
harness.after.each(() => { closeAll(); removeCredentials(); Z.ttls_policy_set([]); });

harness('no throw, no rejection, an errno or a value from every call', async () => {
  const r = rng(0x5eed);
  const problems = new Map<string, { n: number; first: string }>();
  const note = (name: string, what: string) => {
    const p = problems.get(name);
    if (p) p.n++; else problems.set(name, { n: 1, first: what });
  };
  const isClass = (f: unknown) => Function.prototype.toString.call(f).startsWith('class'); // used with `new`
  const fns = Object.entries(Z).filter(([k, v]) => typeof v === 'function' && !(k in SKIP) && !isClass(v)) as [string, (...a: unknown[]) => unknown][];
  assert.ok(fns.length > 40, `${fns.length} functions`);
  let calls = 0;
  for (const [name, fn] of fns) {
    for (let i = 0; i < 200; i++) {
      const values = pool(sockets());
      const n = Math.max(fn.length, 1) + (r.below(3) === 0 ? 1 : 0);
      const args = Array.from({ length: n }, () => values[r.below(values.length)]());
      const shown = () => args.map(describe).join(', ');
      calls++;
      try {
        let out = fn(...args);
        if (out instanceof Promise) {
          out = await Promise.race([out, new Promise((res) => setTimeout(() => res('pending'), 50))]);
        }
        if (!acceptable(out)) note(name, `${name}(${shown()}) returned ${String(out)}`);
        if (name === 'zsock_io_completion_port_create' && typeof out === 'number' && out > 0) Z.zsock_io_completion_port_destroy(out);
      } catch (e) {
        note(name, `${name}(${shown()}) threw ${(e as Error)?.message ?? e}`);
      }
      closeAll();
    }
  }
  const report = [...problems.values()].map((p) => `${p.n}x, e.g. ${p.first.slice(0, 300)}`);
  assert.equal(report, [], `${[...problems.values()].reduce((a, p) => a + p.n, 0)} of ${calls} calls misbehaved`);
});

harness('the reported cases, one by one, with their errno', async () => {
  const [tcp, udp, , dtls] = sockets();
  assert.is(await Z.zsock_send(tcp, detached(), 0), -14, 'send: detached buffer is EFAULT');
  assert.is(await Z.zsock_sendto(udp, detached(), 0, lo4(9)), -14, 'sendto: detached buffer');
  assert.is(Z.zsock_setsockopt(dtls, Z.SOL_TLS, Z.TLS_DTLS_CID_VALUE, detached()), -14, 'CID value: detached');
  const set = new Z.ZsockFdSet();
  assert.is(await Z.zsock_select(4, 5 as unknown as Z.ZsockFdSet, null, null, { tv_sec: 0, tv_usec: 0 }), -22, 'select with a number as a set');
  const t0 = Date.now();
  assert.is(await Z.zsock_select(2 ** 31, set, null, null, { tv_sec: 0, tv_usec: 0 }), -22, 'nfds above ZSOCK_FD_SETSIZE');
  assert.ok(Date.now() - t0 < 100, 'and at once');
  assert.is(Z.zsock_getnameinfo(lo4(80), 'x' as unknown as Z.Out<string>, null, 0), Z.EAI_SYSTEM, 'getnameinfo: not an out-parameter');
  assert.is(Z.zsock_errno(), 14, 'errno EFAULT for EAI_SYSTEM');
  Z.ZSOCK_FD_SET(1, null as unknown as Z.ZsockFdSet);
  Z.ZSOCK_FD_CLR(1, undefined as unknown as Z.ZsockFdSet);
  Z.ZSOCK_FD_ZERO(null as unknown as Z.ZsockFdSet);
  assert.is(Z.ZSOCK_FD_ISSET(1, null as unknown as Z.ZsockFdSet), false, 'FD macros on no set do nothing');
  assert.is(await Z.zsock_poll([{ fd: tcp, events: Z.ZSOCK_POLLIN, revents: 0 }], 1, new Uint8Array(2) as unknown as number), -22, 'poll: a typed array as timeout');
  const msg = { msg_iov: [new Uint8Array(4)] };
  assert.is(await Z.zsock_recvmsg(udp, msg, new Uint8Array(1) as unknown as number), -22, 'recvmsg: a typed array as flags');
  assert.is(Z.zsock_getsockopt(tcp, Z.SOL_SOCKET, Z.SO_TYPE, Object.freeze({})), -14, 'getsockopt into a frozen object');
  assert.is(Z.zsock_bind(tcp, throwing() as unknown as Z.SockAddr), -22, 'bind: an address that throws when read');
  assert.is(Z.tls_credential_add(40, Z.TLS_CREDENTIAL_CA_CERTIFICATE, detached()), -14, 'credential: detached');
});

harness('a credential larger than CONFIG TLS_CREDENTIAL_MAX_SIZE is -EFBIG and nothing is kept', () => {
  const max = Z.config.TLS_CREDENTIAL_MAX_SIZE;
  assert.is(Z.tls_credential_add(41, Z.TLS_CREDENTIAL_CA_CERTIFICATE, new Uint8Array(max + 1)), -27);
  assert.is(Z.tls_credential_list().filter((c) => c.tag === 41).length, 0);
  assert.is(Z.tls_credential_add(41, Z.TLS_CREDENTIAL_CA_CERTIFICATE, new Uint8Array(max).fill(0x30)), 0, 'at the limit: taken');
  Z.tls_credential_delete(41, Z.TLS_CREDENTIAL_CA_CERTIFICATE);
});

harness('the configuration refuses bad values with -EINVAL and keeps the old ones', () => {
  const before = Z.config.ZVFS_OPEN_MAX;
  for (const v of [-1, 1.5, NaN, '8', null, 2 ** 40]) {
    assert.is(Z.configure({ ZVFS_OPEN_MAX: v as number }), -22, `ZVFS_OPEN_MAX ${String(v)}`);
  }
  assert.is(Z.configure({ NO_SUCH_OPTION: 1 } as unknown as Partial<Z.ZsockConfig>), -22, 'an unknown option');
  assert.is(Z.configure(null as unknown as Partial<Z.ZsockConfig>), -22, 'not an object');
  assert.is(Z.config.ZVFS_OPEN_MAX, before);
});

harness.run();
