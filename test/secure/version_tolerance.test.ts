/** Issue 17 item 8 on a socket: zsock's TLS server answers a hand-built TLS 1.2 ClientHello with
 *  client_version 0x0304 and no supported_versions with a TLS 1.2 ServerHello (it sent alert 70). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import * as Z from '../../src/api/index.js';
import { TLS1_2 } from '../../src/tls/index.js';
import { answer, handBuiltHello } from '../helpers/hello.js';
import { TAG, addCredentials, removeCredentials, tlsListener } from '../helpers/tls.js';
import { closeAll, within } from '../helpers/zs.js';

const sock = suite('version tolerance: zsock TLS server');
sock.before(addCredentials);
sock.after(() => { closeAll(); removeCredentials(); });

sock('a zsock TLS server answers the hand-built 0x0304 ClientHello with a TLS 1.2 ServerHello', async () => {
  const [lfd, at] = tlsListener([TAG.EC], Z.IPPROTO_TLS_1_2);
  const accepted = Z.zsock_accept(lfd);
  const raw = net.connect(at.port, '127.0.0.1');
  const first = new Promise<Uint8Array>((resolve, reject) => {
    raw.once('data', (d) => resolve(new Uint8Array(d)));
    raw.once('error', reject);
  });
  raw.write(handBuiltHello(0x0304));
  const reply = await within(first, 5000, 'the server\'s first flight');
  raw.destroy();
  assert.equal(answer(reply), { serverHello: TLS1_2 });
  const fd = await within(accepted, 5000, 'accept');
  if (fd >= 0) Z.zsock_close(fd);
});

sock.run();
