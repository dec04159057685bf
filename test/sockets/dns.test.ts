/** inet_pton/ntop, getaddrinfo/getnameinfo/gai_strerror as Zephyr's tests/net/socket/getaddrinfo. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import { EINVAL } from '../../src/errno.js';

test('inet_pton: 1 / 0 / -1', () => {
  const b = new Uint8Array(16);
  assert.is(Z.zsock_inet_pton(Z.AF_INET, '192.0.2.1', b), 1);
  assert.equal(b.subarray(0, 4), new Uint8Array([192, 0, 2, 1]));
  for (const bad of ['256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4 ', '', 'a.b.c.d']) assert.is(Z.zsock_inet_pton(Z.AF_INET, bad, b), 0, bad);
  assert.is(Z.zsock_inet_pton(Z.AF_INET6, '2001:db8::1', b), 1);
  assert.is(b[0], 0x20);
  assert.is(b[15], 1);
  for (const bad of ['1::2::3', '12345::', ':::', '1:2:3:4:5:6:7:8:9', 'g::1']) assert.is(Z.zsock_inet_pton(Z.AF_INET6, bad, b), 0, bad);
  assert.is(Z.zsock_inet_pton(Z.AF_INET6, '::ffff:1.2.3.4', b), 1);
  assert.is(Z.zsock_inet_pton(99, '1.2.3.4', b), -1);
});

test('inet_ntop: RFC 5952 text', () => {
  const cases: [string, string][] = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['::', '::'], ['::1', '::1'], ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['ff55::11', 'ff55::11'], ['::ffff:10.1.2.3', '::ffff:10.1.2.3'], ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ];
  for (const [input, want] of cases) {
    const b = new Uint8Array(16);
    assert.is(Z.zsock_inet_pton(Z.AF_INET6, input, b), 1, input);
    assert.is(Z.zsock_inet_ntop(Z.AF_INET6, b), want);
  }
  assert.is(Z.zsock_inet_ntop(Z.AF_INET, new Uint8Array([127, 0, 0, 1])), '127.0.0.1');
  assert.is(Z.zsock_inet_ntop(Z.AF_INET6, new Uint8Array(4)), null);
});

async function gai(host: string | null, service: string | null, hints: Z.AddrInfoHints | null = null) {
  const res: Z.Out<Z.AddrInfo | null> = {};
  const r = await Z.zsock_getaddrinfo(host, service, hints, res);
  const list: Z.AddrInfo[] = [];
  for (let p = res.value ?? null; p; p = p.ai_next) list.push(p);
  return { r, list };
}

test('numeric IPv4 without hints: one AF_INET/SOCK_STREAM/IPPROTO_TCP result; DGRAM gives UDP', async () => {
  const { r, list } = await gai('192.0.2.1', '4242');
  assert.is(r, 0);
  assert.is(list.length, 1);
  assert.equal(list[0].ai_addr, { family: Z.AF_INET, addr: '192.0.2.1', port: 4242 });
  assert.is(list[0].ai_socktype, Z.SOCK_STREAM);
  assert.is(list[0].ai_protocol, Z.IPPROTO_TCP);
  const d = await gai('192.0.2.1', '53', { ai_socktype: Z.SOCK_DGRAM });
  assert.is(d.list[0].ai_protocol, Z.IPPROTO_UDP);
});

test('bracketed IPv6; family mismatch EAI_ADDRFAMILY; bad port EAI_NONAME; AI_NUMERICHOST + name EAI_FAIL', async () => {
  const v6 = await gai('[2001:db8::1]', '80');
  assert.is(v6.r, 0);
  assert.equal(v6.list[0].ai_addr, { family: Z.AF_INET6, addr: '2001:db8::1', port: 80 });
  assert.is((await gai('192.0.2.1', null, { ai_family: Z.AF_INET6 })).r, Z.EAI_ADDRFAMILY);
  assert.is((await gai('::1', null, { ai_family: Z.AF_INET })).r, Z.EAI_ADDRFAMILY);
  assert.is((await gai('192.0.2.1', '70000')).r, Z.EAI_NONAME);
  assert.is((await gai('localhost', null, { ai_flags: Z.AI_NUMERICHOST })).r, Z.EAI_FAIL);
  assert.is((await gai('192.0.2.1', null, { ai_family: 99 })).r, Z.EAI_FAMILY);
  assert.is((await gai('192.0.2.1', null, { ai_socktype: 99 })).r, Z.EAI_SOCKTYPE);
  assert.is((await gai('192.0.2.1', null, { ai_flags: 0x40000 })).r, Z.EAI_BADFLAGS);
});

test('NULL host and NULL service: EAI_SYSTEM with errno EINVAL', async () => {
  assert.is((await gai(null, null)).r, Z.EAI_SYSTEM);
  assert.is(Z.zsock_errno(), EINVAL);
});

test('AI_PASSIVE with no host gives the any addresses; without it, loopback', async () => {
  const p = await gai(null, '4242', { ai_flags: Z.AI_PASSIVE, ai_family: Z.AF_INET });
  assert.equal(p.list.map((a) => a.ai_addr.addr), ['0.0.0.0']);
  const p6 = await gai(null, '4242', { ai_flags: Z.AI_PASSIVE, ai_family: Z.AF_INET6 });
  assert.equal(p6.list.map((a) => a.ai_addr.addr), ['::']);
  const l = await gai(null, '4242');
  assert.equal(l.list.map((a) => a.ai_addr.addr), ['127.0.0.1', '::1']);
});

test('a name through the host resolver; an unknown name EAI_NONAME', async () => {
  const { r, list } = await gai('localhost', '80', { ai_family: Z.AF_INET });
  assert.is(r, 0);
  assert.is(list[0].ai_addr.addr, '127.0.0.1');
  const bad = await gai('no-such-host.invalid', '80');
  assert.ok(bad.r === Z.EAI_NONAME || bad.r === Z.EAI_AGAIN || bad.r === Z.EAI_FAIL, `got ${bad.r}`);
  assert.is(Z.zsock_gai_strerror(Z.EAI_NONAME), 'NAME or SERVICE is unknown');
  Z.zsock_freeaddrinfo(null);
});

test('getnameinfo is numeric', () => {
  const host: Z.Out<string> = {}, serv: Z.Out<string> = {};
  assert.is(Z.zsock_getnameinfo({ family: Z.AF_INET, addr: '0.0.0.0', port: 0 }, host, serv, 0), 0);
  assert.equal([host.value, serv.value], ['0.0.0.0', '0']);
  Z.zsock_getnameinfo({ family: Z.AF_INET, addr: '127.0.0.1', port: 1234 }, host, serv, Z.NI_NUMERICHOST);
  assert.equal([host.value, serv.value], ['127.0.0.1', '1234']);
  Z.zsock_getnameinfo({ family: Z.AF_INET6, addr: 'ff55::11', port: 4321 }, host, serv, 0);
  assert.equal([host.value, serv.value], ['ff55::11', '4321']);
  assert.is(Z.zsock_getnameinfo({ family: 77, addr: 'x', port: 1 }, host, serv, 0), Z.EAI_SYSTEM);
});

test.run();
