/** The secure-socket family (Zephyr's ztls_socket / protocol_check): IPPROTO_TLS_* on stream
 *  sockets, IPPROTO_DTLS_* on datagram sockets, ENOMEM when no TLS context is free. */
import * as E from '../errno.js';
import * as C from '../constants.js';
import type { SocketFamily } from './family.js';
import { TlsSock } from './tls.js';
import { DtlsSock } from './dtls.js';
import { contexts } from './tls_state.js';

const TLS = [C.IPPROTO_TLS_1_0, C.IPPROTO_TLS_1_1, C.IPPROTO_TLS_1_2, C.IPPROTO_TLS_1_3];
const DTLS = [C.IPPROTO_DTLS_1_0, C.IPPROTO_DTLS_1_2];

/** The secure-socket family registered with socket(). */
export const tlsFamily: SocketFamily = {
  name: 'tls',
  priority: 45,
  handles: (_family, _type, proto) => TLS.includes(proto) || DTLS.includes(proto),
  create(family, type, proto) {
    if (family !== C.AF_INET && family !== C.AF_INET6) return -E.EAFNOSUPPORT;
    if (TLS.includes(proto) && type !== C.SOCK_STREAM) return -E.EPROTOTYPE;
    if (DTLS.includes(proto) && type !== C.SOCK_DGRAM) return -E.EPROTOTYPE;
    const ctx = contexts.take();
    if (!ctx) return -E.ENOMEM;
    return DTLS.includes(proto) ? new DtlsSock(family, proto, ctx) : new TlsSock(family, proto, ctx);
  },
};
