/** The XS host's own native modules (xs/), as test programs import them; zsock:core and
 *  zsock:sys are declared with the boards (boards/common/natives.d.ts), `timer` and text/* with Moddable's
 *  modules (boards/moddable-esp32/embedded.d.ts). */
declare module 'zsock:host' {
  const host: {
    print(...args: unknown[]): void;
    eprint(...args: unknown[]): void;
    now(): number;
    gc(): void;
    argv: string[];
    board: string;
    memory(): { chunks: number; chunksPeak: number; slots: number; slotsPeak: number; slotSize: number };
  };
  export default host;
}
/** The ECMA-419 classes' module in a board process of the simulator (xs/io419_sim.js): its
 *  Control reaches a harness on the simulator's side (test/xs/sim_suite.ts). */
declare module 'zsock-xs:io419' {
  export const Control: { call(m: string, ...a: unknown[]): unknown };
}
