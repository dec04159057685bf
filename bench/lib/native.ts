/** The native peers (bench/native/harness.c, built by `make native-harness`): mbedTLS with the
 *  wasm core's configuration (no AES-NI), and the same with AES-NI. */
import { execFileSync } from 'node:child_process';
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

/** ms per handshake (client + server in memory), mean of `n` after the harness's warm-up. */
export function nativeHandshakes(kind: string, n: number, b: NativeBuild = 'plain'): Sample {
  const r = run(b, ['handshake', kind, String(n)]) as { ms: number[]; cpu: number[] };
  return { wall: sum(r.ms) / n, cpu: sum(r.cpu) / n };
}

/** MB/s of one direction of application data, client to server, in memory (after 1 MB warm-up). */
export function nativeBulk(suite: 'aes128gcm' | 'chacha20', mbytes: number, b: NativeBuild = 'plain'): Sample {
  const r = run(b, ['bulk', suite, String(mbytes)]) as { mbps: number; cpu_mbps: number };
  return { wall: r.mbps, cpu: r.cpu_mbps };
}
