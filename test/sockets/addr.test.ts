/** Address checks (src/sockets/addr.ts canonical): the canonical text, remembered per family. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonical, checkAddr } from '../../src/sockets/addr.js';
import { AF_INET, AF_INET6 } from '../../src/constants.js';
import { EAFNOSUPPORT, EINVAL } from '../../src/errno.js';

const a = (family: number, addr: string, port = 80) => ({ family, addr, port });

test('the same text asked under both families gets each family its own answer, in either order', () => {
  assert.is(canonical(a(AF_INET6, '::1'), AF_INET6), '::1');
  assert.is(canonical(a(AF_INET, '::1'), AF_INET), null);
  assert.is(canonical(a(AF_INET, '10.0.0.1'), AF_INET), '10.0.0.1');
  assert.is(canonical(a(AF_INET6, '10.0.0.1'), AF_INET6), null);
  assert.is(canonical(a(AF_INET6, '0:0:0:0:0:0:0:1'), AF_INET6), '::1');
  assert.is(canonical(a(AF_INET, '6::1'), AF_INET), null);
  assert.is(canonical(a(AF_INET6, '6::1'), AF_INET6), '6::1');
});

test('a remembered answer never skips the per-call checks (family, port)', () => {
  assert.is(canonical(a(AF_INET, '127.0.0.1'), AF_INET), '127.0.0.1');
  assert.is(canonical(a(AF_INET, '127.0.0.1', 70000), AF_INET), null);
  assert.is(canonical(a(AF_INET, '127.0.0.1'), AF_INET6), null);
  assert.is(checkAddr(a(AF_INET, '127.0.0.1'), AF_INET6), -EAFNOSUPPORT);
  assert.is(checkAddr(a(AF_INET, '127.0.0.01'), AF_INET), -EINVAL);
  assert.is(checkAddr(a(AF_INET, '127.0.0.01'), AF_INET), -EINVAL, 'a malformed text stays malformed');
});

test('past the bound (many addresses) answers stay right', () => {
  for (let i = 0; i < 600; i++) assert.is(canonical(a(AF_INET, `10.0.${i >> 8}.${i & 255}`), AF_INET), `10.0.${i >> 8}.${i & 255}`);
  assert.is(canonical(a(AF_INET6, '2001:DB8::1'), AF_INET6), '2001:db8::1');
});

test.run();
