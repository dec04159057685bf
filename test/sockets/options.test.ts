/** SOL_SOCKET, IPPROTO_TCP and IPPROTO_IPV6 options with Zephyr's validation. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { closeAll } from '../helpers/zs.js';

test.after.each(closeAll);

const get = (fd: number, level: number, opt: number) => {
  const out: Z.Out<unknown> = {};
  const r = Z.zsock_getsockopt(fd, level, opt, out);
  return r < 0 ? r : out.value;
};

test('read-only identity options: SO_TYPE, SO_PROTOCOL, SO_DOMAIN', () => {
  const t = Z.zsock_socket(Z.AF_INET6, Z.SOCK_STREAM, 0), u = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.is(get(t, Z.SOL_SOCKET, Z.SO_TYPE), Z.SOCK_STREAM);
  assert.is(get(u, Z.SOL_SOCKET, Z.SO_TYPE), Z.SOCK_DGRAM);
  assert.is(get(t, Z.SOL_SOCKET, Z.SO_PROTOCOL), Z.IPPROTO_TCP);
  assert.is(get(u, Z.SOL_SOCKET, Z.SO_PROTOCOL), Z.IPPROTO_UDP);
  assert.is(get(t, Z.SOL_SOCKET, Z.SO_DOMAIN), Z.AF_INET6);
  for (const opt of [Z.SO_TYPE, Z.SO_PROTOCOL, Z.SO_DOMAIN, Z.SO_ERROR]) {
    assert.is(Z.zsock_setsockopt(t, Z.SOL_SOCKET, opt, 1), -E.ENOPROTOOPT, `set ${opt}`);
  }
});

test('SO_RCVTIMEO / SO_SNDTIMEO: timeval, validated', () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.equal(get(fd, Z.SOL_SOCKET, Z.SO_RCVTIMEO), { tv_sec: 0, tv_usec: 0 });
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 2, tv_usec: 500000 }), 0);
  assert.equal(get(fd, Z.SOL_SOCKET, Z.SO_RCVTIMEO), { tv_sec: 2, tv_usec: 500000 });
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_SNDTIMEO, { tv_sec: 1, tv_usec: 0 }), 0);
  assert.equal(get(fd, Z.SOL_SOCKET, Z.SO_SNDTIMEO), { tv_sec: 1, tv_usec: 0 });
  for (const bad of [5, null, { tv_sec: 1 }, { tv_sec: -1, tv_usec: 0 }, { tv_sec: 0, tv_usec: -1 }, { tv_sec: 0.5, tv_usec: 0 }]) {
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_RCVTIMEO, bad), -E.EINVAL, JSON.stringify(bad));
  }
});

test('a timeval with tv_usec of a second or more is normalised, not refused (Zephyr\'s tests pass {0, 2600000})', async () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.is(Z.zsock_bind(fd, { family: Z.AF_INET, addr: '127.0.0.1', port: 0 }), 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 0, tv_usec: 1300000 }), 0);
  assert.equal(get(fd, Z.SOL_SOCKET, Z.SO_RCVTIMEO), { tv_sec: 1, tv_usec: 300000 }, 'read back normalised');
  const t0 = Date.now();
  assert.is(await Z.zsock_recv(fd, new Uint8Array(4), 0), -E.EAGAIN);
  const waited = Date.now() - t0;
  assert.ok(waited >= 1250 && waited < 2500, `waited ${waited} ms for 1.3 s`);
});

test('SO_SNDBUF / SO_RCVBUF: 65535 reads back; -1 and 65536 fail', () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  for (const opt of [Z.SO_SNDBUF, Z.SO_RCVBUF]) {
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, opt, 65535), 0);
    assert.is(get(fd, Z.SOL_SOCKET, opt), 65535);
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, opt, -1), -E.EINVAL);
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, opt, 65536), -E.EINVAL);
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, opt, 'big'), -E.EINVAL);
  }
});

test('flags: SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE (TCP only); SO_PRIORITY uint8', () => {
  const t = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0), u = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  for (const opt of [Z.SO_REUSEADDR, Z.SO_REUSEPORT, Z.SO_KEEPALIVE]) {
    assert.is(get(t, Z.SOL_SOCKET, opt), 0);
    assert.is(Z.zsock_setsockopt(t, Z.SOL_SOCKET, opt, 1), 0);
    assert.is(get(t, Z.SOL_SOCKET, opt), 1);
    assert.is(Z.zsock_setsockopt(t, Z.SOL_SOCKET, opt, true), 0);
    assert.is(Z.zsock_setsockopt(t, Z.SOL_SOCKET, opt, 0), 0);
    assert.is(get(t, Z.SOL_SOCKET, opt), 0);
  }
  assert.is(Z.zsock_setsockopt(u, Z.SOL_SOCKET, Z.SO_KEEPALIVE, 1), -E.ENOPROTOOPT);
  for (const p of [2, 6]) {
    assert.is(Z.zsock_setsockopt(u, Z.SOL_SOCKET, Z.SO_PRIORITY, p), 0);
    assert.is(get(u, Z.SOL_SOCKET, Z.SO_PRIORITY), p);
  }
  assert.is(Z.zsock_setsockopt(u, Z.SOL_SOCKET, Z.SO_PRIORITY, 256), -E.EINVAL);
});

test('SO_TIMESTAMPING and SO_TXTIME are accepted for compatibility', () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  for (const opt of [Z.SO_TIMESTAMPING, Z.SO_TXTIME]) {
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, opt, 1), 0);
    assert.is(get(fd, Z.SOL_SOCKET, opt), 1);
  }
});

test('SO_LINGER is accepted and read back', () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_LINGER, { l_onoff: 1, l_linger: 5 }), 0);
  assert.equal(get(fd, Z.SOL_SOCKET, Z.SO_LINGER), { l_onoff: 1, l_linger: 5 });
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_LINGER, 1), -E.EINVAL);
});

test('SO_BINDTODEVICE: a real interface, empty unbinds, unknown ENODEV, AF_UNIX EAFNOSUPPORT', () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_BINDTODEVICE, { ifr_name: 'lo' }), 0);
  assert.equal(get(fd, Z.SOL_SOCKET, Z.SO_BINDTODEVICE), { ifr_name: 'lo' });
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_BINDTODEVICE, { ifr_name: '' }), 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_BINDTODEVICE, { ifr_name: 'nosuch9' }), -E.ENODEV);
  const sv: number[] = [];
  Z.zsock_socketpair(Z.AF_UNIX, Z.SOCK_STREAM, 0, sv);
  assert.is(Z.zsock_setsockopt(sv[0], Z.SOL_SOCKET, Z.SO_BINDTODEVICE, { ifr_name: 'lo' }), -E.EAFNOSUPPORT);
});

test('options Zephyr does not implement: ENOPROTOOPT both ways', () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  for (const opt of [Z.SO_DEBUG, Z.SO_DONTROUTE, Z.SO_BROADCAST, Z.SO_OOBINLINE, Z.SO_RCVLOWAT, Z.SO_SNDLOWAT, 999]) {
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, opt, 1), -E.ENOPROTOOPT);
    assert.is(get(fd, Z.SOL_SOCKET, opt), -E.ENOPROTOOPT);
  }
  assert.is(Z.zsock_setsockopt(fd, 12345, 1, 1), -E.ENOPROTOOPT, 'unknown level');
});

test('IPPROTO_TCP: TCP_NODELAY and keepalive tuning; not on UDP', () => {
  const t = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0), u = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.is(get(t, Z.IPPROTO_TCP, Z.TCP_NODELAY), 0);
  assert.is(Z.zsock_setsockopt(t, Z.IPPROTO_TCP, Z.TCP_NODELAY, 1), 0);
  assert.is(get(t, Z.IPPROTO_TCP, Z.TCP_NODELAY), 1);
  for (const opt of [Z.TCP_KEEPIDLE, Z.TCP_KEEPINTVL, Z.TCP_KEEPCNT]) {
    assert.is(Z.zsock_setsockopt(t, Z.IPPROTO_TCP, opt, 10), 0);
    assert.is(get(t, Z.IPPROTO_TCP, opt), 10);
    assert.is(Z.zsock_setsockopt(t, Z.IPPROTO_TCP, opt, 0), -E.EINVAL);
  }
  assert.is(Z.zsock_setsockopt(u, Z.IPPROTO_TCP, Z.TCP_NODELAY, 1), -E.ENOPROTOOPT);
});

test('IPV6_V6ONLY on AF_INET6 only', () => {
  const v6 = Z.zsock_socket(Z.AF_INET6, Z.SOCK_STREAM, 0), v4 = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(Z.zsock_setsockopt(v6, Z.IPPROTO_IPV6, Z.IPV6_V6ONLY, 1), 0);
  assert.is(get(v6, Z.IPPROTO_IPV6, Z.IPV6_V6ONLY), 1);
  assert.is(Z.zsock_setsockopt(v4, Z.IPPROTO_IPV6, Z.IPV6_V6ONLY, 1), -E.ENOPROTOOPT);
});

test.run();
