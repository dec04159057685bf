/** SHA-256 for the samples: the library's own (src/tls/sha256.ts). */
export { Sha256 } from '../../src/tls/sha256.js';
