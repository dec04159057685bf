/**
 * The boards zsock knows: for each, its network adapter (boards/NAME/driver.ts), its limits, the
 * JS level its engine parses, and how its firmware bundle is flashed. boards/NAME/platform.ts is
 * what the firmware build puts in place of src/platform.ts.
 */
export interface BoardLimits {
  /** RAM the board gives the JS heap plus the TLS arena, bytes (documentation and the sim's budget). */
  ramBytes: number;
  /** CONFIG_ZVFS_OPEN_MAX */
  fds: number;
  /** CONFIG_NET_SOCKETS_TLS_MAX_CONTEXTS */
  tlsContexts: number;
  /** The mbedTLS arena (CONFIG_MBEDTLS_HEAP_SIZE). */
  arenaBytes: number;
  /** The TLS core's config profile (wasm/zsock_mbedtls_config.h): `embedded` has 4 KB/2 KB
   *  records (asked of the peer with max_fragment_length / record_size_limit) and smaller ECC
   *  tables, about 16 KB of arena per idle connection; `full` has 16 KB records. */
  profile: 'full' | 'embedded';
}

export interface Board {
  name: string;
  /** Which native network API the board offers (and the simulator emulates). */
  natives: 'moddable' | 'espruino' | 'host';
  limits: BoardLimits;
  /** esbuild target for the firmware bundle. */
  target: string;
  /** The command lines that put a bundle on a device. */
  flash(bundle: string): string[];
}

export const BOARDS: Record<string, Board> = {
  'moddable-esp32': {
    name: 'moddable-esp32',
    natives: 'moddable',
    // ESP32-WROOM: ~160 KB of the 320 KB DRAM left to XS chunks/slots and the arena.
    limits: { ramBytes: 160 * 1024, fds: 16, tlsContexts: 4, arenaBytes: 96 * 1024, profile: 'embedded' },
    target: 'es2022', // XS passes test262 through ES2023
    flash: () => ['mcconfig -d -m -p esp32   # in the folder with the generated manifest.json'],
  },
  'espruino-esp32': {
    name: 'espruino-esp32',
    natives: 'espruino',
    // Espruino ESP32: 2500-odd 16-byte JsVars for JS, TLS contexts from the same RAM; with the
    // embedded profile four idle connections take about 64 KB of the 96 KB arena.
    limits: { ramBytes: 160 * 1024, fds: 10, tlsContexts: 4, arenaBytes: 96 * 1024, profile: 'embedded' },
    // Espruino parses ES5 plus classes, arrows, let/const, template literals: no async/await,
    // generators, Map or spread. esbuild cannot lower async functions below ES2017, so a device
    // bundle needs a further pass (see boards/espruino-esp32/README.md); the simulator runs this one.
    target: 'es2017',
    flash: (bundle) => [`espruino -p /dev/ttyUSB0 -b 115200 --board ESP32 ${bundle}`],
  },
  'native-sim': {
    name: 'native-sim',
    natives: 'host',
    limits: { ramBytes: 64 * 1024 * 1024, fds: 64, tlsContexts: 16, arenaBytes: 8 * 1024 * 1024, profile: 'full' },
    target: 'node20',
    flash: (bundle) => [`node ${bundle}`],
  },
};

export function boardNamed(name: string): Board {
  const b = BOARDS[name];
  if (!b) throw new Error(`unknown board ${name} (boards: ${Object.keys(BOARDS).join(', ')})`);
  return b;
}
