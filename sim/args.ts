/**
 * `zsock sim` arguments: parsed and checked in full before anything boots, so a bad value is
 * reported by the flag that carried it and nothing runs. Board options (--name, --config,
 * --hostfwd, --cred-store, FIRMWARE) written after a --board are that board's; --hostfwd and
 * --cred-store written before any --board apply to the first board / every board.
 */
import { BOARDS } from '../boards/boards.js';
import type { BoardSpec, SimOptions } from './sim.js';

export const SIM_USAGE = `usage: zsock sim [--seed N] [--latency MS] [--jitter MS] [--loss P] [--out DIR] [--cred-store FILE] [--pcap FILE] [--keylog FILE] [--engine xs|v8]
                 --board NAME [--name N] [--config KEY=VALUE ...] [--hostfwd RULE ...] [--cred-store FILE] [FIRMWARE]
                 [--board ...] [FIRMWARE]
  NAME      ${Object.keys(BOARDS).join(', ')}
  FIRMWARE  a sample's name (echo-server, echo-client, http-get, big-http-download, starttls), a folder
            with a main.ts, an entry file (.ts), or a built bundle (.js); paths are from the current
            folder. After a --board it is that board's; once at the end it is every board's.
  RULE      tcp|udp:[127.0.0.1:]HOSTPORT-[BOARD]:GUESTPORT, as QEMU's hostfwd; with no BOARD the rule
            goes to the --board it follows (the first board when it comes before any)
  --config  a build setting of the firmware (a sample's Kconfig, read with zsock's app_config)
  --cred-store  a \`zsock cred\` store file, loaded into the board's credential store before boot
  --seed N  the seed of every random fault; --latency/--jitter in ms; --loss a probability 0..1
  --out DIR where bundles are built and kept (default: a per-run folder in the user's cache)
  --engine  xs or v8: the engine of the moddable-esp32 boards (after a --board, that board's). xs (the
            default; the first run builds the XS host into the user's cache, with gcc) runs each in its
            own XS process with the board's native core, on the same virtual network; v8 in a sandbox
            with the wasm core
  --pcap FILE  every frame of the virtual network, as a libpcap file (Wireshark, tshark)
  --keylog FILE  every board's TLS and DTLS secrets, as NSS key log lines (SSLKEYLOGFILE's format):
            Wireshark and tshark decrypt the capture with it (tls.keylog_file)`;

/** A parsed hostfwd rule; `board` is the target's name, when the rule names one. */
export interface HostfwdRule { proto: 'tcp' | 'udp'; hostPort: number; guestPort: number; board?: string }

/** KEY=VALUE as [KEY, VALUE], or why not (KEY is a Kconfig-style name in capitals). */
export function parseConfig(v: string): [string, string] | string {
  const m = /^([A-Z][A-Z0-9_]*)=(.*)$/s.exec(v);
  return m ? [m[1], m[2]] : 'want KEY=VALUE with KEY in capitals (PEER=server)';
}

/** QEMU's `tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT`, GUESTADDR being a board's name (or
 *  empty); HOSTADDR may only be 127.0.0.1. The rule, or why it is not one. */
export function parseHostfwdRule(spec: string): HostfwdRule | string {
  const m = /^(tcp|udp):(?:([^:-]*):)?(\d+)-(?:([^:]*):)?(\d+)$/.exec(spec);
  if (!m) return 'want tcp|udp:HOSTPORT-[BOARD]:GUESTPORT (tcp:4242-:4242)';
  const [, proto, haddr, hport, board, gport] = m;
  if (haddr && haddr !== '127.0.0.1') return `host address ${haddr}: forwards listen on 127.0.0.1 only`;
  const hostPort = Number(hport), guestPort = Number(gport);
  if (hostPort > 65535) return `host port ${hport} is out of range (0-65535, 0 picks a free one)`;
  if (guestPort < 1 || guestPort > 65535) return `board port ${gport} is out of range (1-65535)`;
  return { proto: proto as 'tcp' | 'udp', hostPort, guestPort, ...(board ? { board } : {}) };
}

/** A board's DNS name on the virtual network: a label, not the host's own name. */
function badName(n: string): string | null {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(n)) return 'a board name is a DNS label (letters, digits, -)';
  return n.toLowerCase() === 'host' ? '"host" is the name of this machine on the virtual network' : null;
}

function number(flag: string, v: string, min: number, max: number, integer: boolean): number | string {
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return `${flag} ${v}: not ${integer ? 'an integer' : 'a number'}`;
  if (n < min || n > max) return `${flag} ${v}: out of range (${min}..${max})`;
  return n;
}

const moddable = (board: string) => BOARDS[board]?.natives === 'moddable';

/** What parseSimArgs gives: options, a request for help, or an error naming the bad argument. */
export type SimArgs = { opts: SimOptions } | { help: true } | { error: string };

type Step = { i: number } | { error: string };

/** One flag (with its value at args[i + 1]) into `o`. */
function flag(o: SimOptions, args: string[], i: number): Step {
  const a = args[i], v = args[i + 1];
  if (v === undefined || v.startsWith('--')) return { error: `${a} needs a value` };
  const cur: BoardSpec | undefined = o.boards.at(-1);
  const set = (r: number | string, f: (n: number) => void): Step => typeof r === 'string' ? { error: r } : (f(r), { i: i + 1 });
  switch (a) {
    case '--board':
      if (!BOARDS[v]) return { error: `--board ${v}: unknown board (${Object.keys(BOARDS).join(', ')})` };
      o.boards.push({ board: v });
      return { i: i + 1 };
    case '--name': {
      if (!cur) return { error: '--name comes after the --board it names' };
      const bad = badName(v);
      if (bad) return { error: `--name ${v}: ${bad}` };
      cur.name = v;
      return { i: i + 1 };
    }
    case '--config': case '-D': {
      if (!cur) return { error: `${a} comes after the --board it configures` };
      const kv = parseConfig(v);
      if (typeof kv === 'string') return { error: `${a} ${v}: ${kv}` };
      (cur.config ??= {})[kv[0]] = kv[1];
      return { i: i + 1 };
    }
    case '--hostfwd': {
      const r = parseHostfwdRule(v);
      if (typeof r === 'string') return { error: `--hostfwd ${v}: ${r}` };
      if (cur) (cur.hostfwd ??= []).push(v);
      else o.hostfwd!.push(v);
      return { i: i + 1 };
    }
    case '--cred-store':
      if (cur) cur.credStore = v;
      else o.credStore = v;
      return { i: i + 1 };
    case '--engine':
      if (v !== 'xs' && v !== 'v8') return { error: `--engine ${v}: want xs or v8` };
      if (cur && !moddable(cur.board)) return { error: `--engine ${v}: ${cur.board} runs on V8 only (--engine is for moddable-esp32)` };
      if (cur) cur.engine = v; else o.engine = v;
      return { i: i + 1 };
    case '--out': o.outDir = v; return { i: i + 1 };
    case '--pcap': o.pcap = v; return { i: i + 1 };
    case '--keylog': o.keylog = v; return { i: i + 1 };
    case '--seed': return set(number(a, v, 0, 2 ** 32 - 1, true), (n) => { o.seed = n; });
    case '--latency': return set(number(a, v, 0, 60000, false), (n) => { o.link!.latencyMs = n; });
    case '--jitter': return set(number(a, v, 0, 60000, false), (n) => { o.link!.jitterMs = n; });
    case '--loss': return set(number(a, v, 0, 1, false), (n) => { o.link!.loss = n; });
    default: return { error: `unknown option ${a}` };
  }
}

/** Parses `zsock sim` arguments (no file system look-ups: see checkSimOptions for those). */
export function parseSimArgs(args: string[]): SimArgs {
  if (args.includes('--help') || args.includes('-h')) return { help: true };
  const opts: SimOptions = { boards: [], hostfwd: [], link: {} };
  let shared: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const cur = opts.boards.at(-1);
    if (a.startsWith('-')) {
      const step = flag(opts, args, i);
      if ('error' in step) return step;
      i = step.i;
    } else if (cur && !cur.firmware && !shared) cur.firmware = a;
    else if (!shared) shared = a;
    else return { error: `${a}: a second firmware for every board (${shared} is already)` };
  }
  if (!opts.boards.length) return { error: 'no --board given' };
  // `--board A --board B FW`: a firmware after the last board, and no board with one of its own,
  // is every board's.
  const last = opts.boards.at(-1)!;
  if (!shared && opts.boards.length > 1 && last.firmware === args.at(-1) && opts.boards.slice(0, -1).every((b) => !b.firmware)) shared = last.firmware;
  for (const b of opts.boards) b.firmware ??= shared;
  const bare = opts.boards.findIndex((b) => !b.firmware);
  if (bare >= 0) return { error: `--board ${opts.boards[bare].board}: no FIRMWARE for it` };
  return { opts };
}
