/* The Moddable modules the firmware imports; typed loosely here, exactly in driver.ts (IO419). */
declare module 'embedded:io/socket/tcp' { const TCP: unknown; export default TCP; }
declare module 'embedded:io/socket/udp' { const UDP: unknown; export default UDP; }
declare module 'embedded:io/socket/listener' { const Listener: unknown; export default Listener; }
declare module 'embedded:network/dns/resolver/udp' { const Resolver: unknown; export default Resolver; }
declare module 'net' { const Net: { get(what: string): string }; export default Net; }
