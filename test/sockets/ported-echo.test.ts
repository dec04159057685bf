/**
 * A ported program: Zephyr's socket echo server loop (samples/net/sockets/echo), written with
 * the POSIX names the way its C original reads, served to real node:net clients.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect as netConnect } from 'node:net';
import {
  socket, bind, listen, accept, recv, send, close, getsockname, setsockopt, errno,
  AF_INET, SOCK_STREAM, IPPROTO_TCP, SOL_SOCKET, SO_REUSEADDR, type SockAddr,
} from '../../src/posix.js';
import { closeAll } from '../helpers/zs.js';

test.after.each(closeAll);

const log: string[] = [];
const printf = (s: string) => log.push(s);

/* The C original, line for line: */
async function echo_server(served: number, ready: (port: number) => void): Promise<number> {
  const serv = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (serv < 0) { printf(`error: socket: ${errno()}`); return 1; }
  setsockopt(serv, SOL_SOCKET, SO_REUSEADDR, 1);
  const bind_addr: SockAddr = { family: AF_INET, addr: '0.0.0.0', port: 0 };
  if (bind(serv, bind_addr) < 0) { printf(`error: bind: ${errno()}`); return 1; }
  if (listen(serv, 5) < 0) { printf(`error: listen: ${errno()}`); return 1; }
  const me = {} as SockAddr;
  getsockname(serv, me);
  printf(`Single-threaded TCP echo server waits for a connection on port ${me.port}...`);
  ready(me.port);

  for (let counter = 0; counter < served; counter++) {
    const client_addr = {} as SockAddr;
    const client = await accept(serv, client_addr);
    if (client < 0) { printf(`error: accept: ${errno()}`); continue; }
    printf(`Connection #${counter} from ${client_addr.addr}`);
    const buf = new Uint8Array(128);
    for (;;) {
      const len = await recv(client, buf, 0);
      if (len <= 0) {
        if (len < 0) printf(`error: recv: ${errno()}`);
        break;
      }
      let p = 0, out_len = len;
      while (out_len) {
        const sent_len = await send(client, buf.subarray(p, p + out_len), 0);
        if (sent_len === -1 || sent_len < 0) { printf(`error: send: ${errno()}`); return 1; }
        p += sent_len;
        out_len -= sent_len;
      }
    }
    close(client);
    printf(`Connection from ${client_addr.addr} closed`);
  }
  close(serv);
  return 0;
}

function client(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const s = netConnect(port, '127.0.0.1', () => {
      for (let i = 0; i < payload.length; i += 700) s.write(payload.subarray(i, i + 700));
    });
    s.on('data', (d) => { chunks.push(d); got += d.length; if (got >= payload.length) s.end(); });
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
  });
}

test('the echo loop serves node:net clients, one after another and queued', async () => {
  let port = 0;
  const isReady = new Promise<void>((r) => { void echo_server(3, (p) => { port = p; r(); }).then((rc) => log.push(`exit ${rc}`)); });
  await isReady;
  const payloads = [0, 1, 2].map((k) => Buffer.from(Array.from({ length: 5000 + k * 777 }, (_, i) => (i * 13 + k) & 0xff)));
  const replies = await Promise.all(payloads.map((p) => client(port, p)));
  replies.forEach((r, k) => assert.ok(r.equals(payloads[k]), `client ${k} got its bytes back`));
  await new Promise((r) => setTimeout(r, 50));
  assert.match(log[0], /waits for a connection on port \d+/);
  assert.is(log.filter((l) => l.startsWith('Connection #')).length, 3);
  assert.is(log.at(-1), 'exit 0');
  assert.not.ok(log.some((l) => l.startsWith('error')), log.join('\n'));
});

test.run();
