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
