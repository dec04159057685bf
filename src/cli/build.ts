/**
 * `zsock build --board NAME [--config KEY=VALUE ...] [--out DIR] FIRMWARE`: a firmware bundle for
 * a board (boards/build.ts), from a sample's name, a folder or an entry file relative to the cwd.
 * The bundle goes to DIR, else to the per-user cache (build/BOARD/NAME); the command prints its
 * path, its size and how to flash it.
 */
import { join, basename, dirname, resolve } from 'node:path';
import { BOARDS } from '../../boards/boards.js';
import { cacheDir, resolveFirmware } from '../../sim/paths.js';
import { parseConfig } from '../../sim/args.js';

const USAGE = 'usage: zsock build --board NAME [--config KEY=VALUE ...] [--out DIR] FIRMWARE\n' +
  `  NAME: ${Object.keys(BOARDS).join(', ')}\n` +
  '  FIRMWARE: a sample\'s name, a folder with a main.ts, or an entry file (.ts/.js)';

function usage(msg: string): number {
  console.error(`zsock build: ${msg}\n${USAGE}`);
  return 2;
}

interface BuildArgs { board: string; config: Record<string, string>; out?: string; firmware: string }

function parse(args: string[]): BuildArgs | string {
  const o: Partial<BuildArgs> & { config: Record<string, string> } = { config: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i], v = args[i + 1];
    const needs = () => v === undefined || v.startsWith('--') ? `${a} needs a value` : null;
    if (a === '--board' || a === '--config' || a === '-D' || a === '--out') {
      const err = needs();
      if (err) return err;
      i++;
      if (a === '--board') {
        if (!BOARDS[v]) return `--board ${v}: unknown board`;
        o.board = v;
      } else if (a === '--out') o.out = v;
      else {
        const kv = parseConfig(v);
        if (typeof kv === 'string') return `${a} ${v}: ${kv}`;
        o.config[kv[0]] = kv[1];
      }
    } else if (a.startsWith('-')) return `unknown option ${a}`;
    else if (o.firmware) return `one FIRMWARE only (got ${o.firmware} and ${a})`;
    else o.firmware = a;
  }
  if (!o.board) return '--board is required';
  if (!o.firmware) return 'FIRMWARE is required';
  return o as BuildArgs;
}

/** The `zsock build` command: 0 when the bundle is written, 1 when the build fails, 2 for usage. */
export async function buildCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) { console.log(USAGE); return 0; }
  const o = parse(args);
  if (typeof o === 'string') return usage(o);
  const entry = resolveFirmware(o.firmware);
  if (!entry) return usage(`firmware ${o.firmware}: no such file, folder with a main.ts, or sample`);
  const name = basename(entry) === 'main.ts' ? basename(dirname(entry)) : basename(entry).replace(/\.[tj]s$/, '');
  const out = resolve(o.out ?? join(cacheDir(), 'build', o.board, name));
  const { buildBundle } = await import('../../boards/build.js');
  try {
    const r = await buildBundle(o.board, entry, out, o.config);
    console.log(`bundle    ${r.path} (${r.bytes} bytes)`);
    if (r.manifest) console.log(`manifest  ${r.manifest}`);
    for (const f of r.flash) console.log(`flash     ${f}`);
    return 0;
  } catch (e) {
    console.error(`zsock build: ${(e as Error).message}`);
    return 1;
  }
}
