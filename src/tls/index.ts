/** The sans-IO TLS engine over the wasm mbedTLS core (see session.ts). */
export { TlsSession, TlsServerState, type TlsStep } from './session.js';
export { TLS1_2, TLS1_3, type TlsConfig, type TlsVersion, type VerifyMode } from './config.js';
export { CIPHERSUITES } from './ciphersuites.js';
export { TlsError, tlsError, describeVerifyFlags, MBEDTLS, X509_BADCERT } from './errors.js';
export { loadCore, getCore, DEFAULT_ARENA_SIZE, type Core, type CoreOptions } from './wasm.js';
