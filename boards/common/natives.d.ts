/* The firmware's own native modules (xs/ builds them for XS; the simulator emulates them). */
declare module 'zsock:core' {
  import type { CoreBinding } from '../../src/tls/wasm.js';
  /** The TLS core; region() reports its memory (the native module only). */
  const core: CoreBinding & { region(): { size: number; used: number; peak: number } };
  export default core;
}
declare module 'zsock:sys' {
  /** exit(): esp_restart() on a device; random(): the TRNG (esp_fill_random); keylog(): in the
   *  simulator with --keylog only, takes TLS key log lines to the simulator's file. */
  const sys: { exit(status: number): void; random(buf: Uint8Array): void; keylog?(lines: Uint8Array): void };
  export default sys;
}
