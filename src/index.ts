/** zsock: Zephyr's BSD-socket API with TLS/DTLS for JavaScript. */
export * from './api/index.js';
export * as errno from './errno.js';
export * from './tls/index.js';
export { sys_exit } from './sys.js';
