/** zsock_strerror, the errno names and the POSIX aliases: Zephyr's messages, either sign. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import * as Z from '../../src/api/index.js';
import * as P from '../../src/posix.js';
import * as E from '../../src/errno.js';
import { closeAll } from '../helpers/zs.js';

const S = suite('strerror');
S.after.each(closeAll);

S('Zephyr\'s messages, for the value a call returns and for errno', () => {
  assert.is(Z.zsock_strerror(E.ECONNREFUSED), 'Connection refused');
  assert.is(Z.zsock_strerror(-E.ECONNREFUSED), 'Connection refused');
  assert.is(Z.zsock_strerror(-E.ECONNABORTED), 'Software caused connection abort');
  assert.is(Z.zsock_strerror(E.EAGAIN), 'No more contexts');
  assert.is(Z.zsock_strerror(E.EWOULDBLOCK), 'No more contexts');
  assert.is(Z.zsock_strerror(E.EADDRNOTAVAIL), "Can't assign requested address");
  assert.is(Z.zsock_strerror(0), 'Success');
});

S('every errno zsock defines has a message and a name that maps back', () => {
  for (const [name, value] of Object.entries(E)) {
    if (typeof value !== 'number') continue;
    assert.not.match(Z.zsock_strerror(value), /^Unknown error/, name);
    assert.is(Z.zsock_errno_value(Z.zsock_errno_name(value)), value, name);
  }
});

S('values that are no errno: Unknown error N, an empty name, never a throw', () => {
  assert.is(Z.zsock_strerror(9999), 'Unknown error 9999');
  assert.is(Z.zsock_strerror(-9999), 'Unknown error 9999');
  assert.is(Z.zsock_strerror(1.5), 'Unknown error 1.5');
  assert.is(Z.zsock_strerror(NaN), 'Unknown error NaN');
  assert.is(Z.zsock_strerror('61' as unknown as number), 'Unknown error 61');
  assert.is(Z.zsock_errno_name(9999), '');
  assert.is(Z.zsock_errno_name(0), '');
  assert.is(Z.zsock_errno_name(undefined as unknown as number), '');
  assert.is(Z.zsock_errstr(9999), 'Unknown error 9999');
  assert.is(Z.zsock_errstr(0), 'Success');
});

S('names: the canonical one for an alias, and lookups by name', () => {
  assert.is(Z.zsock_errno_name(-E.ECONNREFUSED), 'ECONNREFUSED');
  assert.is(Z.zsock_errno_name(E.EWOULDBLOCK), 'EAGAIN');
  assert.is(Z.zsock_errno_value('ECONNREFUSED'), 61);
  assert.is(Z.zsock_errno_value('EWOULDBLOCK'), E.EAGAIN);
  assert.is(Z.zsock_errno_value('ENOPE'), 0);
  assert.is(Z.zsock_errno_value('toString'), 0);
  assert.is(Z.zsock_errno_value(61 as unknown as string), 0);
});

S('zsock_errstr prints what a refused connect on loopback returned', async () => {
  // A port that was just open and is now closed: the kernel refuses the connect.
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TCP);
  const rc = await Z.zsock_connect(fd, { family: Z.AF_INET, addr: '127.0.0.1', port });
  assert.is(rc, -E.ECONNREFUSED);
  assert.is(Z.zsock_errstr(rc), 'ECONNREFUSED: Connection refused');
});

S('zsock/posix: strerror and strerrorname_np', () => {
  assert.is(P.strerror(-E.EHOSTUNREACH), 'No route to host');
  assert.is(P.strerrorname_np(E.ETIMEDOUT), 'ETIMEDOUT');
});

S.run();
