/**
 * The XS host (xs/, build/xs/zsock-xs) runs a firmware as a device would: an ES module with
 * natives by specifier, no host globals, promise jobs and Moddable's timer module, an abort
 * report with the board's name and the stack, the firmware's exit status.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, XS_HOST } from './bundle.js';

const DIR = join(ROOT, 'build/xs/test/host');
const Host = suite('xs host');

/** Runs `source` as the module main.mjs (beside it, `files`) on the XS host. */
function run(source: string, args: string[] = [], files: Record<string, string> = {}) {
  mkdirSync(DIR, { recursive: true });
  for (const [name, text] of Object.entries({ ...files, 'main.mjs': source })) writeFileSync(join(DIR, name), text);
  const r = spawnSync(XS_HOST, [...args, join(DIR, 'main.mjs')], { encoding: 'utf8', timeout: 20000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

Host('no console, timers, TextEncoder, crypto or require as globals (regression: the simulator handed them over)', () => {
  const r = run(`import host from "zsock:host";
    const names = ["console", "setTimeout", "setInterval", "queueMicrotask", "TextEncoder", "TextDecoder", "crypto", "atob", "btoa", "require", "process", "xsproto"];
    host.print(JSON.stringify(names.filter((n) => n in globalThis)));`);
  assert.is(r.status, 0, r.err);
  assert.is(r.out.trim(), '[]');
});

Host('natives are modules, as on a device: text/encoder, text/decoder, timer, zsock:sys', () => {
  const r = run(`import host from "zsock:host"; import TE from "text/encoder"; import TD from "text/decoder";
    import sys from "zsock:sys"; import { two } from "./two.mjs";
    const b = new Uint8Array(16); sys.random(b);
    host.print(new TE().encode("hé").join(","), new TD().decode(new Uint8Array([104, 195, 169])), two, b.some((x) => x !== 0));`,
  [], { 'two.mjs': 'export const two = 2;' });
  assert.is(r.status, 0, r.err);
  assert.is(r.out.trim(), '104,195,169 hé 2 true');
});

Host('a module that is not there is an abort naming it', () => {
  const r = run('import x from "embedded:io/socket/tcp/tls"; x;', ['--name', 'nomod']);
  assert.ok(r.status !== 0);
  assert.match(r.err, /\[nomod\] XS abort: unhandled exception: .*embedded:io\/socket\/tcp\/tls not found/);
});

Host('a stack overflow is an abort that shows the frames and how deep the stack was; a module body holds a slot per top-level binding', () => {
  const decls = Array.from({ length: 300 }, (_, i) => `const c${i} = ${i};`).join('\n');
  const deep = 'function deep(n) { return deep(n + 1) + 1; }\ndeep(0);\n';
  const big = run(`${decls}\n${deep}`, ['--name', 'ovf', '--heap', 'device']);
  const small = run(deep, ['--name', 'ovf', '--heap', 'device']);
  for (const r of [big, small]) {
    assert.ok(r.status !== 0);
    assert.match(r.err, /\[ovf\] XS abort: stack overflow\n at deep \[\d+ slots\]\n {3}\(x\d+\)\n at \S*main\.mjs \[\d+ slots\]/);
  }
  const depth = (r: { err: string }) => Number(/\(x(\d+)\)/.exec(r.err)![1]);
  assert.ok(depth(small) - depth(big) > 20, `${depth(small)} vs ${depth(big)} frames of deep()`);
});

/** Starts `source` on the host, sends SIGTERM after `ms`; its exit status and stderr. */
function terminated(name: string, source: string, ms: number): Promise<{ status: number | null; err: string }> {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, name), source);
  const p = spawn(XS_HOST, ['--stats', join(DIR, name)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (d) => { err += d; });
  const kill = setTimeout(() => p.kill('SIGTERM'), ms);
  const guard = setTimeout(() => p.kill('SIGKILL'), ms + 5000);
  return new Promise((r) => p.on('exit', (status) => { clearTimeout(kill); clearTimeout(guard); r({ status, err }); }));
}

Host('SIGTERM ends a waiting loop as exit() would, and a firmware busy in JS at once (regression: a busy loop outlived SIGTERM)', async () => {
  const idle = await terminated('idle.mjs', 'import Timer from "timer"; Timer.set(() => {}, 100000);\n', 300);
  assert.is(idle.status, 143);
  assert.match(idle.err, /stats now:/);
  const busy = await terminated('busy.mjs', 'let n = 0; for (;;) n++;\n', 300);
  assert.is(busy.status, 143);
  assert.match(busy.err, /signal while JS runs/);
});

Host('timers: the timer module\'s order, repeat, clear and schedule from a callback; ids have no unref (regression: .unref() threw on XS)', () => {
  const r = run(`import host from "zsock:host"; import Timer from "timer";
    const seen = [];
    Timer.set(() => seen.push("b"), 20);
    Timer.set(() => seen.push("a"), 5);
    const gone = Timer.set(() => seen.push("never"), 10); Timer.clear(gone);
    let n = 0; const r = Timer.repeat((id) => { seen.push("r" + ++n); if (n === 3) Timer.clear(id); }, 2);
    let again = 0; Timer.set((id) => { seen.push("s" + ++again); if (again < 2) Timer.schedule(id, 3); }, 1);
    await new Promise((done) => Timer.set(done, 40));
    const kinds = (k) => seen.filter((s) => s[0] === k).join(",");
    host.print(seen.filter((s) => s.length === 1).join(","), kinds("r"), kinds("s"), typeof r.unref, typeof r);`);
  assert.is(r.status, 0, r.err);
  assert.is(r.out.trim(), 'a,b r1,r2,r3 s1,s2 undefined object');
});

Host('the firmware\'s exit status is the process\'s, after the current callback', () => {
  const r = run('import sys from "zsock:sys"; import host from "zsock:host"; sys.exit(7); host.print("still this callback");');
  assert.is(r.status, 7);
  assert.is(r.out.trim(), 'still this callback');
});

Host('an uncaught exception is reported with the board\'s name and stack, and ends the run', () => {
  const r = run(`import Timer from "timer"; import host from "zsock:host";
    function boom() { throw new RangeError("in a timer"); }
    Timer.set(boom, 1); Timer.set(() => host.print("not reached"), 50);`, ['--name', 'board-a']);
  assert.is(r.status, 5, 'XS_UNHANDLED_EXCEPTION_EXIT');
  assert.match(r.err, /^\[board-a\] XS abort: unhandled exception: RangeError: in a timer\nRangeError: in a timer\n/);
  assert.is(r.out, '');
});

Host('an unhandled rejection is reported as a device would, by the time the loop ends', () => {
  const r = run('Promise.reject(new TypeError("nobody listens"));', ['--name', 'board-b']);
  assert.is(r.status, 8, 'XS_UNHANDLED_REJECTION_EXIT');
  assert.match(r.err, /\[board-b\] XS abort: unhandled rejection: TypeError: nobody listens/);
});

Host('a stack overflow is an abort report, never a crash (regression: an unchecked overrun under the device heap)', () => {
  const r = run('function f(n) { return f(n + 1) + 1; } f(0);', ['--name', 'deep', '--heap', 'device']);
  assert.is(r.status, 2, `XS_STACK_OVERFLOW_EXIT, not a signal\n${r.err}`);
  assert.match(r.err, /^\[deep\] XS abort: stack overflow$/m);
});

Host('a device-sized heap collects as a board would and still runs', () => {
  const r = run(`import host from "zsock:host";
    let keep = []; for (let i = 0; i < 20000; i++) { keep.push({ i }); if (keep.length > 100) keep = []; }
    host.print(host.memory().slotsPeak < 20000 ? "small" : "large");`, ['--heap', 'device']);
  assert.is(r.status, 0, r.err);
  assert.is(r.out.trim(), 'small');
});

Host.run();
