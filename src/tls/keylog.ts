/**
 * TLS key log lines (NSS key log format, as SSLKEYLOGFILE) from a session to whoever asked for
 * them: the configuration's sink and the platform's. Apart from the session because the lines
 * are secrets in transit: this is the one place that copies them out of core memory, and it
 * wipes both copies.
 */
import { ZS } from './abi.js';
import type { Core } from './wasm.js';
import type { TlsConfig } from './config.js';

/** Takes one call's key log lines; they are wiped when it returns (copy what must be kept). */
export type KeylogSink = (lines: Uint8Array) => void;

const NO_SINKS: readonly KeylogSink[] = Object.freeze([]);

/** The sinks a session configured with `config` feeds: its own, then the platform's. Most
 *  sessions have none and share one empty list rather than holding an array each. */
export function keylogSinks(config: TlsConfig, core: Core): readonly KeylogSink[] {
  const sinks = [config.keylog, core.keylog].filter((f): f is KeylogSink => typeof f === 'function');
  return sinks.length ? sinks : NO_SINKS;
}

/** Hands the key log lines context `ctx`'s last call derived to `sinks`; no copy stays in core
 *  memory, and the one given is wiped once they return. A sink's exception is not the
 *  session's. */
export function takeKeylog(core: Core, ctx: number, sinks: readonly KeylogSink[]): void {
  const cap = ZS.KEYLOG_CAP, p = core.scratch(cap);
  const n = core.x.zs_keylog_take(ctx, p, cap);
  if (n <= 0) return;
  const lines = core.u8.slice(p, p + n);
  core.u8.fill(0, p, p + n);
  for (const sink of sinks) {
    try { sink(lines); } catch { /* a key log that cannot be written fails no connection */ }
  }
  lines.fill(0);
}
