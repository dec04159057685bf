/**
 * Internal hooks for zsock's own tests, benchmarks and tools: not part of the public API (the
 * package does not export this entry), and free to change with the code behind it.
 */
export { fdtable } from './api/fds.js';
export { getCore, type Core } from './tls/wasm.js';
export { credCacheStats, flushCredCache } from './tls/cred_cache.js';
export { credentialsOf, allCredentials, type Credential } from './tls/credentials.js';
export { resetConfig } from './config.js';
