/** Issue 17 item 10 (engine level; here, not in test/tls: the XS device-heap bundle of test/tls is
 *  at its size limit): a client with a PSK offers plain PSK (no forward secrecy) only when its
 *  ciphersuite list asks for it; "no verification result" reads as such. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TLS1_2, type TlsConfig } from '../../src/tls/index.js';
import { describeVerifyFlags, VERIFY_NOT_RUN } from '../../src/tls/errors.js';
import { handshake } from '../helpers/pump.js';
import { session, freeAll } from '../helpers/sessions.js';
import { flat } from '../helpers/hello.js';

const psk = { key: new Uint8Array(16).fill(9), identity: new TextEncoder().encode('policy') };
const PLAIN_PSK = [0x00a8, 0x00a9, 0xccab];
const ECDHE_PSK = 0xccac;
const PSK_KE = 0, PSK_DHE_KE = 1;

/** The ciphersuites and TLS 1.3 psk_key_exchange_modes of a client's ClientHello. */
function offer(cfg: TlsConfig): { suites: number[]; modes: number[] | null } {
  const c = session(cfg);
  c.handshake(Date.now());
  const b = flat(c.drain());
  const u16 = (i: number) => (b[i] << 8) | b[i + 1];
  let p = 5 + 4 + 2 + 32;
  p += 1 + b[p];
  const suites: number[] = [];
  for (let i = 0; i < u16(p); i += 2) suites.push(u16(p + 2 + i));
  p += 2 + u16(p);
  p += 1 + b[p];
  const end = p + 2 + u16(p);
  let modes: number[] | null = null;
  for (p += 2; p < end; p += 4 + u16(p + 2)) {
    if (u16(p) === 45) modes = Array.from(b.subarray(p + 5, p + 5 + b[p + 4]));
  }
  return { suites, modes };
}

const t = suite('PSK client policy');
t.after(freeAll);

t('a PSK client offers ECDHE-PSK and psk_dhe_ke, no plain PSK suite and no psk_ke', () => {
  const o = offer({ role: 'client', psk });
  assert.ok(o.suites.includes(ECDHE_PSK), 'ECDHE-PSK offered');
  assert.equal(o.suites.filter((s) => PLAIN_PSK.includes(s)), [], 'no plain PSK suite');
  assert.equal(o.modes, [PSK_DHE_KE]);
});

t('plain PSK is offered when the ciphersuite list asks for it, in TLS 1.3 too', () => {
  const o = offer({ role: 'client', psk, ciphersuites: [0x00a8, 0x1301] });
  assert.equal(o.suites.filter((s) => s !== 0xff), [0x00a8, 0x1301]);
  assert.equal([...(o.modes ?? [])].sort(), [PSK_KE, PSK_DHE_KE]);
  const fs = offer({ role: 'client', psk, ciphersuites: [ECDHE_PSK, 0x1301] });
  assert.equal(fs.modes, [PSK_DHE_KE], 'a list without plain PSK keeps psk_ke off');
});

t('a PSK-only TLS 1.2 handshake negotiates ECDHE-PSK; asked-for plain PSK still works', () => {
  const c = session({ role: 'client', psk, maxVersion: TLS1_2 });
  const s = session({ role: 'server', psk, ciphersuites: [0x00a8, ECDHE_PSK] }); // the server would take plain PSK
  assert.is(handshake(c, s).client.state, 'done');
  assert.is(c.ciphersuite, ECDHE_PSK);
  const c2 = session({ role: 'client', psk, maxVersion: TLS1_2, ciphersuites: [0x00a8] });
  const s2 = session({ role: 'server', psk });
  assert.is(handshake(c2, s2).client.state, 'done');
  assert.is(c2.ciphersuite, 0x00a8);
});

t('a server with a PSK keeps every suite (the policy is the client\'s)', () => {
  const c = session({ role: 'client', psk, maxVersion: TLS1_2, ciphersuites: [0x00a9] });
  const s = session({ role: 'server', psk });
  assert.is(handshake(c, s).server.state, 'done');
  assert.is(s.ciphersuite, 0x00a9);
});

t.run();

const v = suite('verify flags with no result');
v('describeVerifyFlags(-1u) says verification did not run, not every reason', () => {
  assert.is(VERIFY_NOT_RUN, 0xffffffff);
  assert.is(describeVerifyFlags(0xffffffff), 'no verification result (verification did not run)');
  assert.is(describeVerifyFlags(-1), 'no verification result (verification did not run)');
  assert.ok(!describeVerifyFlags(0xffffffff).includes('expired'));
  assert.is(describeVerifyFlags(0x01), 'certificate expired');
});
v.run();
