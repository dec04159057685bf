// A/B of wasm core builds (and native harnesses) in one process, for measuring a core change:
// each variant takes turns, K handshakes (or K MB) each, for ROUNDS rounds, timed by CPU time;
// each variant's line gives the median of its per-round ratios against the first one, with p10/p90.
// It drives the C shim directly, as bench/native/harness.c does (no TlsSession/JS glue).
// From the repository root after `make build native-harness` (from perf-2's tools/abx.mjs):
//   node scripts/ab-cores.mjs hs   tls12-p256|tls13-p256|tls13-x25519|resumed ROUNDS K name=core.wasm ... name=native[:harness]
//   node scripts/ab-cores.mjs bulk aes128gcm|chacha20 ROUNDS MB name=core.wasm ...
// A host-profile core gets node:crypto's ECDH (build/js/src/tls/host_ecc.js); name=core.wasm:noecc
// refuses every ECDH and signature call instead, so the same core runs its C path. A core with
// shared credentials (zs_cred_new) parses the CA and the server's pair once; name=core.wasm:nocred
// parses them per context (zs_conf_ca / zs_conf_own_cert), as before. Options join with commas.
// Native figures are the harness's CPU times (after its own warm-up).
// AB_SERVER=ec384|rsa gives the server that certificate and key (the tls13-* kinds: TLS 1.2's
// kinds pin a P-256 ECDSA suite and group).
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomFillSync, createCipheriv, createDecipheriv } from 'node:crypto';
import { hostEcc } from '../build/js/src/tls/host_ecc.js';
import { hostEcdsaSign, hostEcdsaVerify, hostRsaVerify } from '../build/js/src/tls/host_sig.js';
const [mode, what, roundsS, kS, ...specs] = process.argv.slice(2);
const ROUNDS = Number(roundsS), K = Number(kS);
const ROOT = process.env.ZSOCK_ROOT || process.cwd();
const C = ROOT + '/build/certs/';
// AB_SERVER=ec384|rsa: the server's certificate and key (build/certs/server-<name>), default ec.
const SRV = 'server-' + (process.env.AB_SERVER || 'ec');
const ca = readFileSync(C + 'ca.crt.der'), crt = readFileSync(C + SRV + '.crt.der'), key = readFileSync(C + SRV + '.key.der');
const WANT_READ = -0x6900, TICKET = -0x7B00;
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
function hostGcm(getMem) {
  const names = { 16: 'aes-128-gcm', 24: 'aes-192-gcm', 32: 'aes-256-gcm' };
  return (enc, k, kl, iv, ivl, ad, adl, inp, len, out, tag, tl) => {
    const m = new Uint8Array(getMem().buffer);
    const c = (enc ? createCipheriv : createDecipheriv)(names[kl], m.subarray(k, k + kl), m.subarray(iv, iv + ivl), { authTagLength: tl });
    c.setAAD(m.subarray(ad, ad + adl));
    if (!enc) c.setAuthTag(m.slice(tag, tag + tl));
    const o = c.update(m.subarray(inp, inp + len));
    try { c.final(); } catch { return -1; }
    m.set(o, out);
    if (enc) m.set(c.getAuthTag(), tag);
    return 0;
  };
}
function load(spec) {
  const [path, optList = ''] = spec.split(':');
  const opts = optList.split(',');
  const opt = opts.includes('noecc') ? 'noecc' : '';
  const mod = new WebAssembly.Module(readFileSync(path));
  let x;
  const env = { zs_host_random: (p, n) => { randomFillSync(new Uint8Array(x.memory.buffer, p, n)); return 0; }, zs_host_verify: () => 0,
    emscripten_notify_memory_growth: () => {}, zs_host_gcm: hostGcm(() => x.memory),
    zs_host_ecc: opt === 'noecc' ? () => 0 : hostEcc(() => x.memory),
    zs_host_ecdsa_verify: opt === 'noecc' ? () => 0 : hostEcdsaVerify(() => x.memory),
    zs_host_ecdsa_sign: opt === 'noecc' ? () => 0 : hostEcdsaSign(() => x.memory),
    zs_host_rsa_verify: opt === 'noecc' ? () => 0 : hostRsaVerify(() => x.memory) };
  const wasi = new Proxy({}, { get: (_, n) => (n === 'proc_exit' ? (c) => { throw new Error('exit ' + c); } : () => 52) });
  x = new WebAssembly.Instance(mod, { env, wasi_snapshot_preview1: wasi }).exports;
  x._initialize?.();
  if (x.zs_init(16 << 20) !== 0) throw new Error('zs_init');
  const u8 = () => new Uint8Array(x.memory.buffer);
  const put = (b) => { const p = x.zs_alloc(b.length + 1); u8().set(b, p); u8()[p + b.length] = 0; return p; };
  const P = { ca: put(ca), crt: put(crt), key: put(key), host: put(Buffer.from('localhost')), ints: x.zs_alloc(16), sess: x.zs_alloc(4096), olen: x.zs_alloc(8),
    q: [x.zs_alloc(1 << 20), x.zs_alloc(1 << 20)], ql: [0, 0], win: x.zs_alloc(1 << 17), pt: x.zs_alloc(16384), rd: x.zs_alloc(16384), srv: 0, sessLen: 0 };
  x.zs_clock(Date.now());
  P.srv = x.zs_srv_new(86400);
  P.cred = { cl: 0, sv: 0 };
  if (x.zs_cred_new && !opts.includes('nocred')) {
    P.cred = { cl: x.zs_cred_new(), sv: x.zs_cred_new() };
    if (x.zs_cred_add_ca(P.cred.cl, P.ca, ca.length) || x.zs_cred_add_own(P.cred.sv, P.crt, crt.length, P.key, key.length)) throw new Error('zs_cred');
  }
  new Uint8Array(x.memory.buffer).fill(7, P.pt, P.pt + 16384);
  return { x, P, u8 };
}
// queue i: 0 = c2s, 1 = s2c
function drive(v, c, qin, qout, op) {
  const { x, P } = v;
  x.zs_io(c, P.q[qin], P.ql[qin], P.win, 1 << 17);
  const r = op();
  const used = x.zs_io_in_used(c), produced = x.zs_io_out_len(c);
  const m = v.u8();
  if (used) { m.copyWithin(P.q[qin], P.q[qin] + used, P.q[qin] + P.ql[qin]); P.ql[qin] -= used; }
  if (produced) { m.copyWithin(P.q[qout] + P.ql[qout], P.win, P.win + produced); P.ql[qout] += produced; }
  return r;
}
function spec(kind) {
  if (kind === 'tls12-p256') return { v: 0x303, group: 23, suite: 0xc02b };
  if (kind === 'tls13-p256') return { v: 0x304, group: 23 };
  return { v: 0x304, group: 29, suite: 0 };
}
function make(v, server, sp) {
  const { x, P } = v;
  const c = x.zs_new(server ? 2 : 1, server, 0, sp.v, sp.v);
  if (server) {
    if (P.cred.sv) x.zs_conf_cred(c, P.cred.sv); else x.zs_conf_own_cert(c, P.crt, crt.length, P.key, key.length);
    x.zs_conf_server(c, P.srv, 1);
  } else {
    if (P.cred.cl) x.zs_conf_cred(c, P.cred.cl); else x.zs_conf_ca(c, P.ca, ca.length);
    x.zs_conf_tickets(c, 1);
  }
  const dv = new DataView(x.memory.buffer);
  if (sp.group) { dv.setInt32(P.ints, sp.group, true); x.zs_conf_groups(c, P.ints, 1); }
  if (sp.suite) { dv.setInt32(P.ints, sp.suite, true); x.zs_conf_ciphersuites(c, P.ints, 1); }
  x.zs_setup(c);
  if (!server) { x.zs_set_hostname(c, P.host); if (sp.session) x.zs_session_load(c, P.sess, P.sessLen); }
  return c;
}
function handshake(v, cl, sv) {
  const { x } = v;
  let rc = 1, rs = 1;
  for (let round = 0; round < 50 && (rc || rs); round++) {
    x.zs_clock(Date.now());
    if (rc) rc = drive(v, cl, 1, 0, () => x.zs_handshake(cl));
    if (rs) rs = drive(v, sv, 0, 1, () => x.zs_handshake(sv));
    if ((rc < 0 && rc !== WANT_READ) || (rs < 0 && rs !== WANT_READ)) throw new Error(`hs failed ${rc} ${rs}`);
  }
  if (rc || rs) throw new Error('hs did not finish');
}
function hsOnce(v, kind) {
  const sp = spec(kind); if (kind === 'resumed') sp.session = true;
  v.P.ql[0] = v.P.ql[1] = 0;
  const cl = make(v, 0, sp), sv = make(v, 1, sp);
  handshake(v, cl, sv);
  v.x.zs_free(cl); v.x.zs_free(sv);
}
function prepTicket(v) {
  const { x, P } = v; const sp = spec('tls13-x25519');
  P.ql[0] = P.ql[1] = 0;
  const cl = make(v, 0, sp), sv = make(v, 1, sp);
  handshake(v, cl, sv);
  for (let k = 0; k < 4; k++) if (drive(v, cl, 1, 0, () => x.zs_read(cl, P.rd, 64)) === TICKET) break;
  if (x.zs_session_save(cl, P.sess, 4096, P.olen) !== 0) throw new Error('save');
  P.sessLen = new DataView(x.memory.buffer).getUint32(P.olen, true);
  x.zs_free(cl); x.zs_free(sv);
  // verify that it resumes
  P.ql[0] = P.ql[1] = 0;
  const c2 = make(v, 0, { ...sp, session: true }), s2 = make(v, 1, sp);
  handshake(v, c2, s2);
  if (x.zs_resumed(s2) !== 1) throw new Error('did not resume');
  x.zs_free(c2); x.zs_free(s2);
}
function bulk(v, suite, mb) {
  const { x, P } = v;
  const sp = { v: 0x304, group: 29, suite: suite === 'chacha20' ? 0x1303 : 0x1301 };
  P.ql[0] = P.ql[1] = 0;
  const cl = make(v, 0, sp), sv = make(v, 1, sp);
  handshake(v, cl, sv);
  const total = mb << 20; let done = 0; const c0 = cpu();
  while (done < total) {
    const w = drive(v, cl, 1, 0, () => x.zs_write(cl, P.pt, 16384));
    if (w <= 0) throw new Error('write ' + w);
    while (P.ql[0] > 0) {
      const r = drive(v, sv, 0, 1, () => x.zs_read(sv, P.rd, 16384));
      if (r === WANT_READ || r === TICKET) { if (r === WANT_READ) break; else continue; }
      if (r <= 0) throw new Error('read ' + r);
      done += r;
    }
  }
  const dt = cpu() - c0;
  x.zs_free(cl); x.zs_free(sv);
  return done / 1048576 / (dt / 1000);
}
const vs = specs.map((s) => { const [name, path] = s.split('='); return path.startsWith('native') ? { name, native: path.slice(7) || ROOT + '/build/bench/native-harness' } : { name, ...load(path) }; });
if (what === 'resumed') vs.filter((v) => !v.native).forEach(prepTicket);
const res = Object.fromEntries(vs.map((v) => [v.name, []]));
const runOne = (v) => {
  if (v.native) {
    const o = spawnSync(v.native, [ROOT + '/build/certs', mode === 'hs' ? 'handshake' : 'bulk', what, String(mode === 'hs' ? K + 1 : K)], { encoding: 'utf8' });
    const d = JSON.parse(o.stdout.trim().split('\n').pop());
    return mode === 'hs' ? (d.cpu ?? d.ms).slice(1).reduce((a, b) => a + b, 0) / K : (d.cpu_mbps ?? d.mbps);
  }
  if (mode === 'hs') { const c0 = cpu(); for (let i = 0; i < K; i++) hsOnce(v, what); return (cpu() - c0) / K; }
  return bulk(v, what, K);
};
for (const v of vs) { runOne(v); runOne(v); } // warm up (tier-up)
for (let r = 0; r < ROUNDS; r++) for (const v of (r % 2 ? [...vs].reverse() : vs)) res[v.name].push(runOne(v));
const med = (a) => { const s = [...a].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; };
const base = vs[0].name;
console.log(`${mode} ${what}: ${ROUNDS} rounds x ${K}; value = CPU ms per handshake (hs) or MB/s of CPU time (bulk)`);
for (const v of vs) {
  const ratios = res[v.name].map((a, i) => a / res[base][i]).sort((p, q) => p - q);
  console.log(`  ${v.name.padEnd(12)} med ${med(res[v.name]).toFixed(3).padStart(8)}  ratio vs ${base}: ${med(ratios).toFixed(3)}  [p10 ${ratios[Math.floor(ratios.length * 0.1)].toFixed(3)} .. p90 ${ratios[Math.floor(ratios.length * 0.9)].toFixed(3)}]`);
}
