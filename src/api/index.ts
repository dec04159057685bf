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
export * from '../tls/cred_public.js';
export { loadCredentials, saveCredentials } from '../tls/credfile.js';
export type { TlsCertVerifyCb } from '../sockets/tls_options.js';
