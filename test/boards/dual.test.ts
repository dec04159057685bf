/**
 * A platform whose endpoints carry both families (Moddable: lwIP binds IP_ANY_TYPE, so an IPv6
 * bind on a port an IPv4 socket holds is -EADDRINUSE and the IPv4 socket serves both): what
 * that IPv4 socket receives from an IPv6 sender it can answer. On the host, an IPv4 socket never
 * sees IPv6 and an IPv6 destination stays -EAFNOSUPPORT, as on Zephyr.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { setDriver } from '../../src/net/index.js';
import { hostDriver } from '../../src/net/host.js';
import { closeAll, within } from '../helpers/zs.js';
import { boardEnvs, useBoard } from '../helpers/boards.js';

const text = (s: string) => new TextEncoder().encode(s);

for (const env of boardEnvs().filter((e) => e.name === 'host' || e.name === 'moddable-esp32')) {
  const t = suite(`UDP across families on ${env.name}`);
  t.before(() => useBoard(env));
  t.after.each(() => closeAll());
  t.after(() => setDriver(hostDriver));

  if (env.name === 'host') {
    t('an IPv4 socket refuses an IPv6 destination: -EAFNOSUPPORT', async () => {
      const s = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
      assert.is(await Z.zsock_sendto(s, text('x'), 0, { family: Z.AF_INET6, addr: '::1', port: 9 }), -E.EAFNOSUPPORT);
    });
  } else {
    t('regression: the IPv4 socket that serves IPv6 too answers an IPv6 sender (the echo-server over IPv6 got no echo)', async () => {
      const srv = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
      assert.is(Z.zsock_bind(srv, { family: Z.AF_INET, addr: '0.0.0.0', port: 4242 }), 0);
      const cli = Z.zsock_socket(Z.AF_INET6, Z.SOCK_DGRAM, 0);
      assert.is(await Z.zsock_sendto(cli, text('ping'), 0, { family: Z.AF_INET6, addr: env.a6, port: 4242 }), 4);
      const buf = new Uint8Array(16), from = {} as Z.SockAddr;
      assert.is(await within(Z.zsock_recvfrom(srv, buf, 0, from), 5000, 'server recvfrom'), 4);
      assert.is(from.family, Z.AF_INET6);
      assert.is(await Z.zsock_sendto(srv, buf.subarray(0, 4), 0, from), 4);
      assert.is(await within(Z.zsock_recv(cli, buf, 0), 5000, 'the echo'), 4);
      assert.equal(buf.subarray(0, 4), text('ping'));
    });
  }
  t.run();
}
