/** Medians with their spread, A/B rounds, and timing helpers. Benchmarks only: nothing here is
 *  asserted. */

export interface Stat { median: number; p10: number; p90: number; n: number }

/** Bytes per application write on every side of the bench: one TLS 1.3 record each (mbedTLS
 *  keeps one byte of 16384 for the inner content type; Node and the native peer write the same). */
export const RECORD = 16383;

/** Median and 10th/90th percentiles (nearest rank) of `xs`; NaN fields when empty. */
export function stat(xs: number[]): Stat {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN);
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), n: s.length };
}

/** One side's measure in one round: CPU-time and wall-time values (ms, or MB/s). */
export interface Sample { cpu: number; wall: number }

/** Both sides of a ratio over alternating rounds, with the per-round ratios zsock / peer. */
export interface AB {
  zsock: { cpu: Stat; wall: Stat };
  peer: { cpu: Stat; wall: Stat };
  /** zsock / peer per round, CPU time: the headline ratio is its median. */
  ratio: Stat;
  wallRatio: Stat;
}

/** Summarises paired samples (round i of each side) as medians and per-round ratios. */
export function summarise(z: Sample[], p: Sample[]): AB {
  const per = (f: (s: Sample) => number) => z.map((s, i) => f(s) / f(p[i]));
  return {
    zsock: { cpu: stat(z.map((s) => s.cpu)), wall: stat(z.map((s) => s.wall)) },
    peer: { cpu: stat(p.map((s) => s.cpu)), wall: stat(p.map((s) => s.wall)) },
    ratio: stat(per((s) => s.cpu)),
    wallRatio: stat(per((s) => s.wall)),
  };
}

/** A/B alternation: `rounds` rounds, each runs zsock then the peer (the order flips every other
 *  round, so a drift of the machine's load hits both sides alike), after `warm` unmeasured
 *  rounds of each (warm-up: V8 tier-up, caches). */
export async function abRounds(rounds: number, zsock: () => Promise<Sample> | Sample, peer: () => Promise<Sample> | Sample, warm = 1): Promise<AB> {
  for (let w = 0; w < warm; w++) {
    await zsock();
    await peer();
  }
  const z: Sample[] = [], p: Sample[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) { z.push(await zsock()); p.push(await peer()); } else { p.push(await peer()); z.push(await zsock()); }
  }
  return summarise(z, p);
}

/** CPU ms of unmeasured in-memory handshakes of a kind before its rounds. V8 runs the core's
 *  and TlsSession's code unoptimised at first and compiles the hot functions in background
 *  threads, whose CPU time the process's counts: a resumed handshake costs about 2.4 ms in the
 *  first hundred, 1 ms in the next, 0.5 ms after about 500 (docs/bench.md, "Handshakes in
 *  memory: warm-up and short output"). The native peer is compiled ahead of time: it warms up
 *  with three handshakes. */
export const MEM_WARM_MS = 1500;

/** CPU ms of unmeasured loopback handshakes per side before their rounds. Over sockets zsock's
 *  JS path (sockets, the TLS layer, the host's crypto imports) compiles too: in a fresh process
 *  a TLS 1.3 handshake of the host profile's core still took 2.5 ms after 1.5 s of warm-up
 *  (about 600 handshakes) and came down to 1.1 ms after about 2,000 (docs/bench.md, "Loopback
 *  handshakes: a longer warm-up"). Node's side warms up for as long. */
export const LOOP_WARM_MS = 4000;

/** Runs `f` unmeasured until `ms` of this process's CPU time went by; returns how many times. */
export function warmUp(ms: number, f: () => void): number {
  const c0 = process.cpuUsage();
  let n = 0;
  for (let c = process.cpuUsage(c0); (c.user + c.system) / 1000 < ms; c = process.cpuUsage(c0)) {
    f();
    n++;
  }
  return n;
}

/** `warmUp` for an asynchronous `f` (a handshake over sockets). */
export async function warmUpAsync(ms: number, f: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage();
  let n = 0;
  for (let c = process.cpuUsage(c0); (c.user + c.system) / 1000 < ms; c = process.cpuUsage(c0)) {
    await f();
    n++;
  }
  return n;
}

/** CPU ms (user + system) of this process and wall ms while `f` runs. */
export async function cpuOf(f: () => Promise<unknown> | unknown): Promise<Sample> {
  const c0 = process.cpuUsage(), t0 = performance.now();
  await f();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

/** Runs `f` `k` times: ms per run, CPU and wall. */
export async function perRun(k: number, f: () => Promise<unknown> | unknown): Promise<Sample> {
  const s = await cpuOf(async () => { for (let i = 0; i < k; i++) await f(); });
  return { cpu: s.cpu / k, wall: s.wall / k };
}

/** MB/s of CPU time and of wall time for `bytes` moved in `s`. */
export const rate = (bytes: number, s: Sample): Sample => ({ cpu: bytes / 1048576 / (s.cpu / 1000), wall: bytes / 1048576 / (s.wall / 1000) });

export const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
