/** Medians with their spread, and timing helpers. Benchmarks only: nothing here is asserted. */

export interface Stat { median: number; p10: number; p90: number; n: number }

export function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), n: s.length };
}

/** Runs `f` `warm` times unmeasured, then `n` times, returning the ms of each. */
export async function times(n: number, warm: number, f: () => unknown | Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warm; i++) await f();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    out.push(performance.now() - t0);
  }
  return out;
}

/** CPU ms (user + system) of this process while `f` runs. */
export async function cpuOf(f: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage(), t0 = performance.now();
  await f();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

export const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
