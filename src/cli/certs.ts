/**
 * `zsock certs OUTDIR`: writes the samples' credentials (samples/common/credentials.ts) as the
 * files the samples' READMEs give to openssl and curl: cert.pem/key.pem (RSA-2048, tag 1),
 * ec-cert.pem/ec-key.pem (ECDSA P-256, tag 3), ca.pem (both certificates, what a client that
 * talks to the echo-server trusts) and psk.txt (the PSK's identity and hex key, tag 2). They are
 * public on purpose: for trying things, never for protecting anything.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RSA_CERT, RSA_KEY, EC_CERT, EC_KEY, PSK_HEX, PSK_ID } from '../../samples/common/credentials.js';

const FILES: Record<string, string> = {
  'cert.pem': RSA_CERT,
  'key.pem': RSA_KEY,
  'ec-cert.pem': EC_CERT,
  'ec-key.pem': EC_KEY,
  'ca.pem': RSA_CERT + EC_CERT,
  'psk.txt': `identity ${PSK_ID}\nkey ${PSK_HEX}\n`,
};

const USAGE = 'usage: zsock certs OUTDIR   (writes cert.pem key.pem ec-cert.pem ec-key.pem ca.pem psk.txt)';

/** The `zsock certs` command: 0 when written, 1 when the folder cannot be written, 2 for usage. */
export function certsCommand(args: string[]): number {
  if (args[0] === '--help' || args[0] === '-h') { console.log(USAGE); return 0; }
  if (args.length !== 1 || args[0].startsWith('-')) { console.error(`zsock certs: one OUTDIR\n${USAGE}`); return 2; }
  const dir = resolve(args[0]);
  try {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(FILES)) {
      writeFileSync(join(dir, name), text, { mode: /key|psk/.test(name) ? 0o600 : 0o644 });
    }
  } catch (e) {
    console.error(`zsock certs: ${dir}: ${(e as Error).message}`);
    return 1;
  }
  console.log(`${dir}: ${Object.keys(FILES).join(' ')}`);
  return 0;
}
