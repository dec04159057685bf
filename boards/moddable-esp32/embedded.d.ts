/* The Moddable modules the firmware imports; typed loosely here, exactly in driver.ts (IO419). */
declare module 'embedded:io/socket/tcp' { const TCP: unknown; export default TCP; }
declare module 'embedded:io/socket/udp' { const UDP: unknown; export default UDP; }
declare module 'embedded:io/socket/listener' { const Listener: unknown; export default Listener; }
declare module 'embedded:network/dns/resolver/udp' { const Resolver: unknown; export default Resolver; }
declare module 'net' { const Net: { get(what: string): string }; export default Net; }
/* Moddable's timer module (modules/base/timer): a timer id is an opaque object. */
declare module 'timer' {
  const Timer: {
    set(cb: (id: object) => void, ms?: number, interval?: number): object;
    repeat(cb: (id: object) => void, ms: number): object;
    schedule(id: object, ms: number, interval?: number): void;
    clear(id: object): void;
  };
  export default Timer;
}
/* Moddable's text natives (modules/data/text): TextEncoder / TextDecoder as modules, not globals. */
declare module 'text/encoder' {
  const TextEncoder: { new (): { encode(s: string): Uint8Array } };
  export default TextEncoder;
}
declare module 'text/decoder' {
  const TextDecoder: { new (): { decode(b: Uint8Array): string } };
  export default TextDecoder;
}
