/** src/platform.ts for native_sim: the host's own (node:net, the .wasm file, node:fs). */
export * from '../../src/platform.js';
export const platformName = 'native-sim';
