/** The zsock API surface: zsock_* functions, Zephyr's constants, errno values, configuration. */
export * from './zsock.js';
export * from './msg.js';
export * from './ttls.js';
export * from './constants.js';
export * from './strerror.js';
export * from './app_config.js';
export { configure, config, type ZsockConfig } from '../config.js';
export { setDriver, driver, type NetDriver, type NetAddr } from '../net/index.js';
export { registerSocketFamily, type SocketFamily } from '../sockets/registry.js';
export {
  tls_credential_add, tls_credential_get, tls_credential_delete, tls_credential_list, type CredentialInfo,
  TLS_CREDENTIAL_NONE, TLS_CREDENTIAL_CA_CERTIFICATE, TLS_CREDENTIAL_PUBLIC_CERTIFICATE,
  TLS_CREDENTIAL_SERVER_CERTIFICATE, TLS_CREDENTIAL_PRIVATE_KEY, TLS_CREDENTIAL_PSK, TLS_CREDENTIAL_PSK_ID,
  SEC_TAG_TLS_INVALID,
} from '../tls/credentials.js';
export { loadCredentials, saveCredentials } from '../tls/credfile.js';
export type { TlsCertVerifyCb } from '../sockets/tls_options.js';
