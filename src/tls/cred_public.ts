/**
 * The credential store's public surface, exported by both `zsock` and `zsock/posix`: Zephyr's
 * tls_credentials.h and the listing. The store's internals (the bytes a session is configured
 * with, the delete hook) stay in credentials.ts.
 */
export {
  tls_credential_add, tls_credential_get, tls_credential_delete, tls_credential_list, type CredentialInfo,
  TLS_CREDENTIAL_NONE, TLS_CREDENTIAL_CA_CERTIFICATE, TLS_CREDENTIAL_PUBLIC_CERTIFICATE,
  TLS_CREDENTIAL_SERVER_CERTIFICATE, TLS_CREDENTIAL_PRIVATE_KEY, TLS_CREDENTIAL_PSK, TLS_CREDENTIAL_PSK_ID,
  SEC_TAG_TLS_INVALID,
} from './credentials.js';
