/**
 * The test harness's environment on the XS host, evaluated before uvu and the suites: what the
 * suites themselves use (console for uvu's report, TextEncoder/TextDecoder, setTimeout for
 * uvu's scheduling), made from the host's modules. zsock's own code gets none of this from
 * here: it goes through its platform (test/xs/platform.ts); test/xs/strict checks that.
 */
import host from 'zsock:host';
import TextEncoder from 'text/encoder';
import TextDecoder from 'text/decoder';
import Timer from 'timer';

const g = globalThis as Record<string, unknown>;
const text = (a: unknown[]) => a.map((x) => (typeof x === 'string' ? x : x instanceof Error ? `${x}\n${x.stack ?? ''}` : String(x))).join(' ');
g.console = { log: (...a: unknown[]) => host.print(text(a)), error: (...a: unknown[]) => host.eprint(text(a)) };
g.TextEncoder = TextEncoder;
g.TextDecoder = TextDecoder;
g.setTimeout = (fn: () => void, ms = 0) => Timer.set(() => fn(), ms);
g.clearTimeout = (t: object | undefined) => t && Timer.clear(t);
// Node's Buffer.compare, which the board suites use to compare byte arrays (only that).
g.Buffer = {
  compare(a: Uint8Array, b: Uint8Array): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  },
};
// The suites read knobs from process.env (fuzz.test.ts): given as KEY=VALUE arguments here.
g.process = { env: Object.fromEntries(host.argv.slice(1).filter((a) => a.includes('=')).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)])) };
// uvu: suites register into groups, run by exec() once all are loaded (as its CLI does).
g.UVU_DEFER = 1;
g.UVU_QUEUE = [];
