/** The native peers (bench/native/harness.c, built by `make native-harness`): mbedTLS with the
 *  wasm core's configuration (no AES-NI), and the same with AES-NI. */
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, CERTS } from '../../test/helpers/pki.js';
import type { Sample } from './stats.js';

export type NativeBuild = 'plain' | 'aesni';
// BENCH_NATIVE_DIR: another pair of harnesses (e.g. built from an earlier configuration).
const DIR = process.env.BENCH_NATIVE_DIR ?? join(ROOT, 'build/bench');
const HARNESS: Record<NativeBuild, string> = {
  plain: join(DIR, 'native-harness'),
  aesni: join(DIR, 'native-harness-aesni'),
};

/** Whether that native peer was built. */
export const nativeAvailable = (b: NativeBuild = 'plain') => existsSync(HARNESS[b]);

function run(b: NativeBuild, args: string[]): Record<string, unknown> {
  const out = execFileSync(HARNESS[b], [CERTS, ...args], { encoding: 'utf8', timeout: 300000 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** ms per handshake (client + server in memory) of a native peer driven round by round for one
 *  row: one process (`harness ... handshake KIND N ROUNDS`) runs `n` handshakes, after its
 *  warm-up, each time `next()` asks, in step with zsock's rounds. A process per round forked
 *  the measuring process each time, leaving its pages copy-on-write, and zsock's next round
 *  paid the faults: about 0.1 ms of a 0.45 ms resumed handshake (docs/bench.md, "Handshakes in
 *  memory: warm-up and short output"). */
export function nativeHandshakeRounds(kind: string, n: number, rounds: number, b: NativeBuild = 'plain'):
  { next(): Promise<Sample>; close(): void } {
  const child = spawn(HARNESS[b], [CERTS, 'handshake', kind, String(n), String(rounds)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async next() {
      child.stdin.write('\n');
      const line = await lines.next();
      if (line.done) throw new Error(`native harness ${kind}: ended (exit ${child.exitCode})`);
      const r = JSON.parse(line.value) as { ms: number[]; cpu: number[] };
      return { wall: sum(r.ms) / n, cpu: sum(r.cpu) / n };
    },
    close: () => child.stdin.end(),
  };
}

/** MB/s of one direction of application data, client to server, in memory (after 1 MB warm-up). */
export function nativeBulk(suite: 'aes128gcm' | 'chacha20', mbytes: number, b: NativeBuild = 'plain'): Sample {
  const r = run(b, ['bulk', suite, String(mbytes)]) as { mbps: number; cpu_mbps: number };
  return { wall: r.mbps, cpu: r.cpu_mbps };
}
