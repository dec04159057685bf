/**
 * The package as a user gets it: the working tree's files (what a fresh clone has, plus the built
 * wasm cores) are copied out and `npm pack`ed there, which runs prepack; the tarball is installed
 * with npm into a folder outside the repository, where a strict TypeScript consumer type-checks,
 * a consumer script runs, and `npx zsock` builds firmware and runs the simulator with an
 * echo-server reached through hostfwd, all from that folder: on Moddable's XS engine, which the
 * installed package builds into the user's cache on first use (kept in build/package-cache
 * between runs of this suite, rebuilt when the sources change), and on V8.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type ChildProcessWithoutNullStreams } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers/pki.js';
import { echoOnce } from '../helpers/net.js';
import { until, within } from '../helpers/zs.js';

const P = suite('package');
const tmp = mkdtempSync(join(tmpdir(), 'zsock-package-'));
const stage = join(tmp, 'stage'), app = join(tmp, 'app');
// The user's cache: its XS host outlives the run (one build per version of the sources); mbedTLS's
// source is the checkout's (MBEDTLS_SRC, as a user without apt-get would give it).
const cache = join(ROOT, 'build/package-cache');
const env = { ...process.env, ZSOCK_CACHE: cache, MBEDTLS_SRC: join(ROOT, 'build/mbedtls-3.6.6'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
let tarball = '';

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.is(r.status, 0, `${what} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

P.before(() => {
  // A fresh clone's files (tracked and new, not ignored), the cores make build compiled, and the
  // dev tools (typescript, esbuild) prepack needs.
  const files = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(ROOT, f))) continue; // deleted in the working tree
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    cpSync(join(ROOT, f), join(stage, f));
  }
  // every built wasm but the host core (the package must run without it), test builds included
  cpSync(join(ROOT, 'build/wasm'), join(stage, 'build/wasm'), { recursive: true, filter: (p) => !/zsock-core-host\.wasm$/.test(p) });
  symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'));
  mkdirSync(app);
  for (const f of existsSync(cache) ? readdirSync(cache) : []) if (f !== 'xs') rmSync(join(cache, f), { recursive: true, force: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
});

P.after(() => rmSync(tmp, { recursive: true, force: true }));

P('npm pack runs prepack and the tarball carries the types, the cores, the simulator and the board sources', () => {
  const out = ok(run('npm', ['pack', '--pack-destination', tmp, '--json'], stage), 'npm pack');
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; size: number; files: { path: string }[] }[];
  tarball = join(tmp, info.filename);
  const paths = new Set(info.files.map((f) => f.path));
  for (const want of ['build/js/src/index.js', 'build/js/src/index.d.ts', 'build/js/src/idiomatic/index.d.ts', 'build/js/src/posix.d.ts', 'build/js/src/tls/index.d.ts',
    'build/wasm/zsock-core.wasm', 'build/wasm/zsock-core-embedded.wasm', 'build/js/sim/sim.js', 'build/js/boards/build.js',
    'boards/moddable-esp32/platform.ts', 'src/platform.ts', 'samples/echo-server/main.ts', 'bin/zsock.mjs',
    'xs/xs.mk', 'xs/core.c', 'xs/io419_sim.js', 'wasm/zs_abi.spec', 'scripts/fetch-xsnap.sh', 'build/js/sim/xs_build.js']) {
    assert.ok(paths.has(want), `${want} is in the package`);
  }
  assert.not.ok([...paths].some((p) => p.startsWith('build/js/test/') || p.startsWith('test/') || /^build\/wasm\/zs-.*-test\.wasm$/.test(p)), 'no tests (nor their wasm builds) in the package');
  assert.not.ok([...paths].some((p) => p.startsWith('build/xs') || p.startsWith('build/xsnap') || p.includes('moddable/xs')), 'no XS binary or XS sources');
  assert.ok(info.size < 2_000_000, `package size ${info.size}`);
});

P('npm install of the tarball into a folder outside the repository', () => {
  ok(run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app), 'npm install');
  assert.ok(existsSync(join(app, 'node_modules/zsock/build/js/src/index.d.ts')));
  assert.ok(existsSync(join(app, 'node_modules/esbuild')), 'esbuild is a dependency');
});

P('a strict TypeScript consumer type-checks against zsock, zsock/posix, zsock/tls and zsock/idiomatic (no DOM lib)', () => {
  writeFileSync(join(app, 'consumer.ts'), [
    "import { zsock_socket, zsock_connect, zsock_close, zsock_errstr, AF_INET, SOCK_STREAM, IPPROTO_TCP, type SockAddr, type AddrInfo } from 'zsock';",
    "import { socket, close, strerror, type PollFd } from 'zsock/posix';",
    "import { TlsSession } from 'zsock/tls';",
    "import { TcpSocket, ZsockError, type SecureOptions } from 'zsock/idiomatic';",
    'const fd: number = zsock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);',
    "const secure: SecureOptions = { secTags: [1], hostname: 'localhost' };",
    "async function idiomatic(): Promise<string> {",
    "  try {",
    "    await using s: TcpSocket = await TcpSocket.connect('127.0.0.1', 9, { tls: secure });",
    "    for await (const chunk of s) return String(chunk.length);",
    "    return 'eof';",
    "  } catch (e) {",
    "    return e instanceof ZsockError ? `${e.code} ${e.errno}` : 'other';",
    "  }",
    "}",
    'void idiomatic();',
    '// @ts-expect-error: tls options need secTags',
    "void TcpSocket.connect('127.0.0.1', 9, { tls: { hostname: 'x' } });",
    "const to: SockAddr = { family: AF_INET, addr: '127.0.0.1', port: 9 };",
    'const rc: number = await zsock_connect(fd, to);',
    'const ai: AddrInfo | null = null;',
    'const pfd: PollFd[] = [];',
    'const msg: string = zsock_errstr(rc) + strerror(rc);',
    "const tls = new TlsSession({ role: 'client', hostname: 'localhost' });",
    'console.log(msg, ai, pfd, tls.handshakeDone);',
    'zsock_close(fd);',
    'close(socket(AF_INET, SOCK_STREAM, 0));',
    '// @ts-expect-error: a sockaddr is { family, addr, port }',
    "zsock_connect(fd, { host: 'x' });",
    '',
  ].join('\n'));
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext',
      types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')],
    },
    files: ['consumer.ts'],
  }));
  ok(run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], app), 'tsc');
});

P('a consumer script imports the four entry points and gets readable errors', () => {
  writeFileSync(join(app, 'consumer.mjs'), [
    "import { zsock_socket, zsock_connect, zsock_close, zsock_errstr, AF_INET, SOCK_STREAM, IPPROTO_TCP } from 'zsock';",
    "import { strerror } from 'zsock/posix';",
    "import { TlsSession } from 'zsock/tls';",
    "import { TcpSocket, ZsockError } from 'zsock/idiomatic';",
    'const fd = zsock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);',
    "const rc = await zsock_connect(fd, { family: AF_INET, addr: '127.0.0.1', port: Number(process.argv[2]) });",
    'console.log(zsock_errstr(rc), "/", strerror(rc));',
    'zsock_close(fd);',
    "console.log(new TlsSession({ role: 'client', hostname: 'localhost' }).handshakeDone ? 'done' : 'tls ready');",
    "try { await TcpSocket.connect('127.0.0.1', Number(process.argv[2])); } catch (e) { console.log(`${e instanceof ZsockError} ${e.code} ${e.errno}`); }",
    '',
  ].join('\n'));
  // A port nothing listens on: bind one and close it (Linux then refuses connects to it).
  const port = Number(execFileSync(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"], { encoding: 'utf8' }));
  const out = ok(run(process.execPath, ['consumer.mjs', String(port)], app), 'consumer.mjs');
  assert.is(out, 'ECONNREFUSED: Connection refused / Connection refused\ntls ready\ntrue ECONNREFUSED 61\n');
});

P('npx zsock info, build --out (relative to the cwd), cred and certs, from the consumer folder', () => {
  assert.match(ok(run('npx', ['zsock', 'info'], app), 'zsock info'), /wasm core\s+\d+ bytes/);
  const b = ok(run('npx', ['zsock', 'build', '--board', 'espruino-esp32', '--out', 'fw', 'echo-client'], app), 'zsock build');
  assert.match(b, join(app, 'fw', 'main.espruino-esp32.js'));
  assert.ok(existsSync(join(app, 'fw', 'main.espruino-esp32.js')));
  ok(run('npx', ['zsock', 'cred', '--store', 'creds.json', 'add', '7', 'PSK', 'hex', '0102'], app), 'zsock cred');
  assert.ok(existsSync(join(app, 'creds.json')));
  ok(run('npx', ['zsock', 'certs', 'certs'], app), 'zsock certs');
  assert.ok(existsSync(join(app, 'certs', 'cert.pem')) && existsSync(join(app, 'certs', 'key.pem')));
});

/** `npx zsock sim ARGS` from the consumer folder, until it serves on a hostfwd port (its
 *  output says which) or `bootMs` pass. */
async function simServing(args: string[], bootMs: number, e: NodeJS.ProcessEnv = env): Promise<{ p: ChildProcessWithoutNullStreams; port: number; out: () => string }> {
  const p = spawn('npx', ['zsock', 'sim', ...args], { cwd: app, env: e, detached: true });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { out += d; });
  const port = await within((async () => {
    for (;;) {
      const m = /hostfwd tcp 127\.0\.0\.1:(\d+) -> moddable-esp32:4242/.exec(out);
      if (m && out.includes('Waiting for TCP connection on port 4242')) return Number(m[1]);
      if (p.exitCode !== null) throw new Error(`zsock sim exited ${p.exitCode}:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })(), bootMs, `zsock sim to boot (output:\n${out})`).catch((e) => { try { process.kill(-p.pid!, 'SIGKILL'); } catch { /* gone */ } throw e; });
  return { p, port, out: () => out };
}

/** Ctrl-C to the run's process group (npx and zsock), as a terminal sends it; then its exit. */
async function interrupt(p: ChildProcessWithoutNullStreams): Promise<number | null> {
  const exited = p.exitCode !== null ? Promise.resolve(p.exitCode) : new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  try { process.kill(-p.pid!, 'SIGINT'); } catch { /* gone */ }
  try {
    return await within(exited, 10000, 'zsock sim to stop');
  } finally {
    try { process.kill(-p.pid!, 'SIGKILL'); } catch { /* the group is gone: all stopped */ }
  }
}

const ECHO = ['--board', 'moddable-esp32', '--config', 'DTLS=n', '--config', 'IPV6=n', '--hostfwd', 'tcp:0-:4242', 'echo-server'];

P('npx zsock sim --engine xs: the XS host is built on first use (into the cache, saying so), the echo-server runs on it', async () => {
  const first = !existsSync(join(cache, 'xs')) || !readdirSync(join(cache, 'xs')).some((d) => /^[0-9a-f]{16}$/.test(d) && existsSync(join(cache, 'xs', d, 'zsock-xs-embedded')));
  const t0 = Date.now();
  const { p, port, out } = await simServing(['--engine', 'xs', ...ECHO], 600_000);
  try {
    if (first) {
      assert.match(out(), /building the XS host once .* into .*package-cache\/xs\/[0-9a-f]{16}/);
      assert.match(out(), /XS host built in \d+ s/);
      console.log(`    (XS host built on first use: ${Math.round((Date.now() - t0) / 1000)} s to boot)`);
    }
    assert.match(out(), '[moddable-esp32] XS 13.3.0, native core');
    assert.is(await within(echoOnce(port, 'from XS'), 5000, 'the echo'), 'from XS');
  } finally {
    await interrupt(p);
  }
});

P('without gcc: --engine xs is a clear error; by default moddable-esp32 runs on V8 and says why', () => {
  // A PATH with node, npm's tools and make, but no compiler; an empty cache (no XS host built).
  const bin = join(tmp, 'nogcc'), empty = join(tmp, 'empty-cache');
  mkdirSync(bin);
  for (const t of ['node', 'make', 'sh']) symlinkSync(execFileSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).trim(), join(bin, t));
  const e = { ...env, PATH: bin, ZSOCK_CACHE: empty };
  const zsock = join(app, 'node_modules/zsock/bin/zsock.mjs');
  const r = spawnSync(process.execPath, [zsock, 'sim', '--engine', 'xs', '--board', 'moddable-esp32', 'echo-server'], { cwd: app, env: e, encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, 'zsock sim: --engine xs: building the XS host needs gcc (Debian: apt-get install gcc make)');
  mkdirSync(join(app, 'bye'));
  writeFileSync(join(app, 'bye', 'main.ts'), "import { sys_exit } from 'zsock';\nconsole.log('bye');\nsys_exit(3);\n");
  const d = spawnSync(process.execPath, [zsock, 'sim', '--board', 'moddable-esp32', 'bye'], { cwd: app, env: e, encoding: 'utf8', timeout: 60_000 });
  assert.match(d.stderr, 'zsock sim: building the XS host needs gcc (Debian: apt-get install gcc make): moddable-esp32 boards run on V8');
  assert.is(d.status, 3, d.stdout + d.stderr);
  assert.match(d.stdout, '[moddable-esp32] bye');
});

P('npx zsock sim: the echo-server on moddable-esp32 (XS by default, as built above) reached through hostfwd; Ctrl-C stops it', async () => {
  const { p, port, out } = await simServing(ECHO, 30000);
  try {
    assert.match(out(), '[moddable-esp32] XS 13.3.0, native core');
    assert.is(await within(echoOnce(port, 'from the package'), 5000, 'the echo'), 'from the package');
  } finally {
    // npx itself ends by the signal; zsock, which handles it, says so and cleans up.
    const code = await interrupt(p);
    assert.ok(code === 0 || (code === null && p.signalCode === 'SIGINT'), `exit ${code} ${p.signalCode}\n${out()}`);
  }
  assert.match(out(), 'zsock sim: stopped');
  await until(() => !existsSync(join(cache, 'sim')) || readdirSync(join(cache, 'sim')).length === 0, 5000, 'the run to remove its bundles');
});

P('npx zsock sim --engine v8: the same echo-server in the V8 sandbox', async () => {
  const { p, port, out } = await simServing(['--engine', 'v8', ...ECHO], 30000);
  try {
    assert.not.match(out(), 'XS 13.3.0');
    assert.is(await within(echoOnce(port, 'from V8'), 5000, 'the echo'), 'from V8');
  } finally {
    await interrupt(p);
  }
});

P.run();
