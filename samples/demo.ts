/**
 * The README's main job (`make run`): the echo-server on a simulated Moddable ESP32 and the
 * echo-client on a simulated Espruino board, over TLS 1.3 on the virtual network; then http-get
 * from a simulated board to a real HTTPS server on the host (openssl s_server -WWW, started here).
 * The Moddable boards run on XS (each in its own process, as `zsock sim` does) when the XS host is
 * built, else on V8. Prints each board's console, then a short summary (with the engines); exits 0
 * when every step succeeded.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sim } from '../sim/sim.js';
import { xsAvailable } from '../sim/xs_board.js';
import { RSA_CERT, RSA_KEY } from './common/credentials.js';

const lines: string[] = [];
const log = (l: string) => { lines.push(l); console.log(l); };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

/** A real HTTPS server on the host: openssl s_server -WWW with the sample certificate. */
async function httpsServer(dir: string): Promise<{ port: number; stop: () => void }> {
  writeFileSync(join(dir, 'cert.pem'), RSA_CERT);
  writeFileSync(join(dir, 'key.pem'), RSA_KEY);
  writeFileSync(join(dir, 'index.html'), '<html><body>Hello from the host, over HTTPS.</body></html>\n');
  const port = await freePort();
  const p = spawn('openssl', ['s_server', '-WWW', '-accept', String(port), '-cert', 'cert.pem', '-key', 'key.pem'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('openssl s_server did not start')), 5000);
    p.stdout!.on('data', (d) => { if (String(d).includes('ACCEPT')) { clearTimeout(t); resolve(); } });
    p.on('error', reject);
  });
  return { port, stop: () => p.kill() };
}

const find = (re: RegExp) => lines.map((l) => re.exec(l)).find((m) => m);

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'zsock-run-'));
  const www = await httpsServer(dir);
  console.log(`==> HTTPS server on the host: openssl s_server -WWW on 127.0.0.1:${www.port}`);
  console.log('==> booting: server (moddable-esp32, echo-server), client (espruino-esp32, echo-client over TLS 1.3), web (moddable-esp32, http-get)');
  const sim = new Sim({
    boards: [
      { board: 'moddable-esp32', name: 'server', firmware: 'echo-server', config: { STATS_PERIOD: '5' } },
      { board: 'espruino-esp32', name: 'client', firmware: 'echo-client', config: { PEER: 'server', PROTO: 'tls', TLS_VERSION: '1.3', BLOCKS: '50' } },
      { board: 'moddable-esp32', name: 'web', firmware: 'http-get', config: { HOST: 'host', PORT: String(www.port), PATH: '/index.html' } },
    ],
    seed: 1, link: { latencyMs: 2 }, log, engine: xsAvailable() ? 'xs' : 'v8',
  });
  const t0 = Date.now();
  let client = -1, web = -1;
  try {
    await sim.start();
    const [c, w] = [sim.boards[1], sim.boards[2]];
    const timeout = new Promise<number>((r) => setTimeout(() => r(-1), 60000).unref());
    [client, web] = await Promise.all([Promise.race([c.exited(), timeout]), Promise.race([w.exited(), timeout])]);
  } finally {
    sim.stop();
    www.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const tls = find(/^\[client\] TLS: (TLS [\d.]+), (\w+), handshake (\d+) ms$/);
  const echoed = find(/^\[client\] TLS \(IPv4\): Received and compared (\d+) bytes, all ok$/);
  const webTls = find(/^\[web\] TLS: (TLS [\d.]+), (\w+), handshake (\d+) ms$/);
  const status = find(/^\[web\] (HTTP\/1\.[01] \d{3}.*)$/);
  const body = find(/^\[web\] Body: (\d+) bytes$/);
  const xs = find(/^\[server\] (XS [\d.]+), native core$/);
  console.log('\n==> summary');
  console.log(`  engines         moddable-esp32 on ${xs ? `${xs[1]} (native core)` : `V8 ${process.versions.v8} (wasm core)`}, espruino-esp32 on V8 ${process.versions.v8} (wasm core)`);
  console.log(`  echo over TLS   ${client === 0 && echoed ? 'ok' : 'FAILED'}: ${echoed?.[1] ?? 0} bytes echoed and compared, espruino-esp32 -> moddable-esp32`);
  console.log(`                  ${tls ? `${tls[1]}, ${tls[2]}, handshake ${tls[3]} ms` : 'no TLS session'}`);
  console.log(`  https GET       ${web === 0 && status ? 'ok' : 'FAILED'}: ${status?.[1] ?? 'no response'}, ${body?.[1] ?? 0} bytes of body from the host`);
  console.log(`                  ${webTls ? `${webTls[1]}, ${webTls[2]}, handshake ${webTls[3]} ms` : 'no TLS session'}`);
  console.log(`  wall time       ${Date.now() - t0} ms`);
  return client === 0 && web === 0 && echoed && status ? 0 : 1;
}

// Exit now: the simulator stopped everything it owns, and nothing else should keep the run alive.
process.exit(await main());
