/**
 * The checks `zsock sim` makes before booting anything (files, names, targets), and the entry
 * that loads a credential store into a board before its firmware runs.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BOARDS } from '../boards/boards.js';
import { readCredFile } from '../src/tls/credfile.js';
import { parseHostfwdRule } from './args.js';
import { resolveFirmware } from './paths.js';
import type { BoardSpec, SimOptions } from './sim.js';

/** Each board's name on the network: --name, else the board's (numbered when several). */
export function boardNames(boards: BoardSpec[]): string[] {
  return boards.map((b, i) => b.name ?? (boards.length > 1 ? `${b.board}-${i + 1}` : b.board));
}

/** The credentials of a store file, checked as tls_credential_add would; or why not. */
export function readStore(path: string): { tag: number; type: number; data: Uint8Array }[] | string {
  if (!existsSync(path) || !statSync(path).isFile()) return `${path}: no such file`;
  let creds;
  try {
    creds = readCredFile(path);
  } catch (e) {
    return `${path}: ${(e as Error).message}`;
  }
  for (const c of creds) {
    const tagOk = Number.isInteger(c.tag) && c.tag >= 0 && c.tag <= 0x7fffffff;
    if (!tagOk || !Number.isInteger(c.type) || c.type < 1 || c.type > 5 || !c.data.length) {
      return `${path}: credential tag ${c.tag} type ${c.type}: not one tls_credential_add takes`;
    }
  }
  return creds;
}

function firmwareProblem(o: SimOptions, i: number): string | null {
  const spec = o.boards[i];
  const fw = spec.firmware ?? (Array.isArray(o.firmware) ? o.firmware[i] : o.firmware)!;
  const entry = resolveFirmware(fw);
  if (!entry) return `FIRMWARE ${fw}: no such file, folder with a main.ts, or sample`;
  const built = /\.m?js$/.test(entry);
  if (built && spec.config) return `--config ${Object.keys(spec.config)[0]}: ${fw} is a built bundle; settings are baked in when zsock builds a .ts entry`;
  if (built && (spec.credStore ?? o.credStore)) return `--cred-store: ${fw} is a built bundle; the store is loaded by the bundle zsock builds from a .ts entry`;
  const store = spec.credStore ?? o.credStore;
  if (store) {
    const r = readStore(store);
    if (typeof r === 'string') return `--cred-store ${r}`;
  }
  return null;
}

function hostfwdProblem(o: SimOptions, names: string[]): string | null {
  const virtual = names.filter((_, i) => BOARDS[o.boards[i].board].natives !== 'host');
  const rules = [...(o.hostfwd ?? []), ...o.boards.flatMap((b) => b.hostfwd ?? [])];
  for (const [i, b] of o.boards.entries()) {
    if (b.hostfwd?.length && BOARDS[b.board].natives === 'host' && !b.hostfwd.every((r) => (parseHostfwdRule(r) as { board?: string }).board)) {
      return `--hostfwd ${b.hostfwd[0]}: ${names[i]} is a native-sim board, which uses this machine's ports directly`;
    }
  }
  for (const r of rules) {
    const rule = parseHostfwdRule(r);
    if (typeof rule === 'string') return `--hostfwd ${r}: ${rule}`;
    if (!virtual.length) return `--hostfwd ${r}: no board on the virtual network (native-sim uses this machine's ports directly)`;
    if (rule.board && !virtual.includes(rule.board)) return `--hostfwd ${r}: no board named ${rule.board} on the virtual network (boards: ${virtual.join(', ')})`;
  }
  return null;
}

/** Null when the options can run; else what is wrong, naming the argument. */
export function checkSimOptions(o: SimOptions): string | null {
  const names = boardNames(o.boards);
  for (const [flag, file] of [['--pcap', o.pcap], ['--keylog', o.keylog]]) {
    if (file && !existsSync(dirname(resolve(file)))) return `${flag} ${file}: no folder ${dirname(resolve(file))}`;
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) return `--name ${dup}: two boards have this name`;
  for (let i = 0; i < o.boards.length; i++) {
    const p = firmwareProblem(o, i);
    if (p) return p;
  }
  return hostfwdProblem(o, names);
}

/**
 * An entry that adds the store's credentials to the board's credential store, then runs the
 * firmware, as Zephyr's protected-storage backend has them there at boot. Written in `outDir`.
 */
export function credentialEntry(store: string, entry: string, outDir: string): string {
  const creds = readStore(store);
  if (typeof creds === 'string') throw new Error(`--cred-store ${creds}`);
  mkdirSync(outDir, { recursive: true });
  const creds_ts = join(outDir, 'zsock_cred_store.ts');
  const rows = creds.map((c) => `  [${c.tag}, ${c.type}, [${c.data.join(',')}]],`).join('\n');
  writeFileSync(creds_ts, `import { tls_credential_add, zsock_errstr } from 'zsock';\n` +
    `const creds: [number, number, number[]][] = [\n${rows}\n];\n` +
    `for (const [tag, type, data] of creds) {\n  const r = tls_credential_add(tag, type, new Uint8Array(data));\n` +
    `  if (r < 0) console.log(\`cred-store: tag \${tag} type \${type}: \${zsock_errstr(r)}\`);\n}\n`);
  const main = join(outDir, 'zsock_main.ts');
  // Imports run in order: the store is loaded before the firmware's first line.
  writeFileSync(main, `import './zsock_cred_store.js';\nimport ${JSON.stringify(entry)};\n`);
  return main;
}
