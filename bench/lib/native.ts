/** The native peer (bench/native/harness.c, built by `make native-harness`). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, CERTS } from '../../test/helpers/pki.js';

const HARNESS = join(ROOT, 'build/bench/native-harness');

export const nativeAvailable = () => existsSync(HARNESS);

function run(args: string[]): Record<string, unknown> {
  const out = execFileSync(HARNESS, [CERTS, ...args], { encoding: 'utf8', timeout: 300000 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** ms per handshake (client + server in memory), `n` runs. */
export function nativeHandshakes(kind: string, n: number): number[] {
  return run(['handshake', kind, String(n)]).ms as number[];
}

/** MB/s of one direction of application data, client to server, in memory. */
export function nativeBulk(suite: 'aes128gcm' | 'chacha20', mbytes: number): number {
  return run(['bulk', suite, String(mbytes)]).mbps as number;
}
