/** socket()/close() and the fd table: values, limits and errno as Zephyr. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import { EAFNOSUPPORT, EBADF, EINVAL, ENFILE, EPROTONOSUPPORT, EPROTOTYPE, EFAULT, EOPNOTSUPP, ENOPROTOOPT } from '../../src/errno.js';
import { configure } from '../../src/config.js';
import { closeAll } from '../helpers/zs.js';
import { fdtable } from '../../src/internal.js';

test.after.each(closeAll);

test('fds are small integers from 0, lowest free first', () => {
  const a = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  const b = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.is(a, 0);
  assert.is(b, 1);
  assert.is(Z.zsock_close(a), 0);
  assert.is(Z.zsock_socket(Z.AF_INET6, Z.SOCK_STREAM, Z.IPPROTO_TCP), 0, 'fd 0 is reused');
});

test('ENFILE when the table (CONFIG_ZVFS_OPEN_MAX) is full, and nothing leaks', () => {
  configure({ ZVFS_OPEN_MAX: 4 });
  const fds = [0, 1, 2, 3].map(() => Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0));
  assert.equal(fds, [0, 1, 2, 3]);
  assert.is(Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0), -ENFILE);
  assert.is(Z.zsock_errno(), ENFILE, 'errno is set too');
  const sv: number[] = [];
  assert.is(Z.zsock_socketpair(Z.AF_UNIX, Z.SOCK_STREAM, 0, sv), -ENFILE);
  Z.zsock_close(2);
  assert.is(Z.zsock_socketpair(Z.AF_UNIX, Z.SOCK_STREAM, 0, sv), -ENFILE, 'a pair needs two fds; the one free fd is not kept');
  assert.is(Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0), 2);
});

test('creation errors: EAFNOSUPPORT, EPROTOTYPE, EPROTONOSUPPORT, EINVAL', () => {
  assert.is(Z.zsock_socket(99, Z.SOCK_STREAM, 0), -EAFNOSUPPORT);
  assert.is(Z.zsock_socket(Z.AF_UNIX, Z.SOCK_STREAM, 0), -EAFNOSUPPORT, 'AF_UNIX only through socketpair');
  assert.is(Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_UDP), -EPROTOTYPE);
  assert.is(Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_TCP), -EPROTOTYPE);
  assert.is(Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 200), -EPROTONOSUPPORT);
  assert.is(Z.zsock_socket(Z.AF_INET, Z.SOCK_RAW, 0), -EPROTONOSUPPORT);
  assert.is(Z.zsock_socket(Z.AF_INET, 77, 0), -EINVAL);
  assert.is(Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 1.5), -EINVAL);
  assert.equal(fdtable.openFds(), [], 'no fd was taken by a failed socket()');
});

test('EBADF for anything not open, on every call', async () => {
  for (const fd of [-1, 0, 5, 1e9, 0.5, NaN]) {
    assert.is(Z.zsock_close(fd), -EBADF);
    assert.is(Z.zsock_bind(fd, { family: Z.AF_INET, addr: '0.0.0.0', port: 0 }), -EBADF);
    assert.is(Z.zsock_listen(fd, 1), -EBADF);
    assert.is(await Z.zsock_connect(fd, { family: Z.AF_INET, addr: '127.0.0.1', port: 1 }), -EBADF);
    assert.is(await Z.zsock_accept(fd), -EBADF);
    assert.is(await Z.zsock_send(fd, new Uint8Array(1), 0), -EBADF);
    assert.is(await Z.zsock_recv(fd, new Uint8Array(1), 0), -EBADF);
    assert.is(Z.zsock_shutdown(fd, Z.ZSOCK_SHUT_RD), -EBADF);
    assert.is(Z.zsock_fcntl(fd, Z.F_GETFL), -EBADF);
    assert.is(Z.zsock_ioctl(fd, Z.FIONREAD, {}), -EBADF);
    assert.is(Z.zsock_getsockopt(fd, Z.SOL_SOCKET, Z.SO_TYPE, {}), -EBADF);
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_REUSEADDR, 1), -EBADF);
    assert.is(Z.zsock_getsockname(fd, {} as Z.SockAddr), -EBADF);
    assert.is(Z.zsock_getpeername(fd, {} as Z.SockAddr), -EBADF);
    assert.is(Z.zsock_get_context_object(fd), null);
  }
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  Z.zsock_close(fd);
  assert.is(Z.zsock_close(fd), -EBADF, 'closing twice');
});

test('EFAULT for missing buffers and out-parameters', async () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.is(await Z.zsock_send(fd, null as unknown as Uint8Array, 0), -EFAULT);
  assert.is(await Z.zsock_recv(fd, 'abc' as unknown as Uint8Array, 0), -EFAULT);
  assert.is(await Z.zsock_sendmsg(fd, { msg_iov: [null as unknown as Uint8Array] }, 0), -EFAULT);
  assert.is(Z.zsock_getsockopt(fd, Z.SOL_SOCKET, Z.SO_TYPE, null as unknown as {}), -EFAULT);
  assert.is(Z.zsock_ioctl(fd, Z.FIONREAD, null as unknown as {}), -EFAULT);
  assert.is(Z.zsock_socketpair(Z.AF_UNIX, Z.SOCK_STREAM, 0, null as unknown as number[]), -EFAULT);
  assert.is(Z.zsock_gethostname(null as unknown as Uint8Array), -EFAULT);
});

test('fcntl and ioctl', () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(Z.zsock_fcntl(fd, Z.F_GETFL), 0);
  assert.is(Z.zsock_fcntl(fd, Z.F_SETFL, Z.O_NONBLOCK), 0);
  assert.is(Z.zsock_fcntl(fd, Z.F_GETFL), Z.O_NONBLOCK);
  assert.is(Z.zsock_fcntl(fd, Z.F_SETFL, 0), 0);
  assert.is(Z.zsock_fcntl(fd, Z.F_GETFL), 0);
  assert.is(Z.zsock_fcntl(fd, 99), -EINVAL);
  assert.is(Z.zsock_ioctl(fd, Z.FIONBIO, { value: 1 }), 0);
  assert.is(Z.zsock_fcntl(fd, Z.F_GETFL), Z.O_NONBLOCK);
  assert.is(Z.zsock_ioctl(fd, Z.FIONBIO, { value: 0 }), 0);
  assert.is(Z.zsock_fcntl(fd, Z.F_GETFL), 0);
  const n: Z.Out<number> = {};
  assert.is(Z.zsock_ioctl(fd, Z.FIONREAD, n), 0);
  assert.is(n.value, 0);
  assert.is(Z.zsock_ioctl(fd, 0x1234, {}), -EOPNOTSUPP);
});

test('shutdown: SHUT_RD works, SHUT_WR/RDWR are ENOTSUP as Zephyr, others EINVAL', () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(Z.zsock_shutdown(fd, Z.ZSOCK_SHUT_RD), 0);
  assert.is(Z.zsock_shutdown(fd, Z.ZSOCK_SHUT_WR), -35);
  assert.is(Z.zsock_shutdown(fd, Z.ZSOCK_SHUT_RDWR), -35);
  assert.is(Z.zsock_shutdown(fd, 7), -EINVAL);
});

test('gethostname and get_context_object', () => {
  const buf = new Uint8Array(32);
  assert.is(Z.zsock_gethostname(buf), 0);
  assert.is(new TextDecoder().decode(buf.subarray(0, buf.indexOf(0))), 'zephyr');
  assert.is(Z.zsock_gethostname(new Uint8Array(3)), -EINVAL);
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.ok(Z.zsock_get_context_object(fd));
  assert.is(Z.zsock_getsockopt(fd, 77, 1, {}), -ENOPROTOOPT);
});

test.run();
