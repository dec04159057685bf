/** The XS host's own native modules (xs/), as test programs import them; zsock:core and
 *  zsock:sys are declared with the boards (boards/common/natives.d.ts). */
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
declare module 'text/encoder' {
  const TextEncoder: { new (): { encode(s: string): Uint8Array } };
  export default TextEncoder;
}
declare module 'text/decoder' {
  const TextDecoder: { new (): { decode(b: Uint8Array): string } };
  export default TextDecoder;
}
declare module 'timer' {
  const Timer: {
    set(cb: (id: object) => void, ms?: number, interval?: number): object;
    repeat(cb: (id: object) => void, ms: number): object;
    schedule(id: object, ms: number, interval?: number): void;
    clear(id: object): void;
  };
  export default Timer;
}
