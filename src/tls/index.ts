/** The sans-IO TLS engine over the wasm mbedTLS core (see session.ts). */
export { TlsSession } from './session.js';
export type { TlsStep } from './step.js';
export { TlsServerState } from './server_state.js';
export { TLS1_2, TLS1_3, type TlsConfig, type TlsVersion, type VerifyMode } from './config.js';
export { CIPHERSUITES } from './ciphersuites.js';
export { dtlsRecordCid, dtlsRecordSeq } from './dtls_record.js';
export { checkCookie, type CookieVerdict } from './dtls_cookie.js';
export { TlsError, tlsError, describeVerifyFlags, failureErrno, VERIFY_NOT_RUN, MBEDTLS, X509_BADCERT, type TlsFailure } from './errors.js';
export { loadCore, contentLimit, DEFAULT_ARENA_SIZE, type Core, type CoreOptions } from './wasm.js';
