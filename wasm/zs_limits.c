/*
 * The sizes the host's staging windows follow (src/tls/io.ts): they depend on the profile the
 * core was built with (wasm/zsock_mbedtls_config.h), which only the core knows.
 */
#include "ssl_misc.h"
#include "zs.h"

/* which: 0 the largest record received (header, payload, CID, expansion), 1 the largest record
 * sent, 2 the most plaintext one received record carries, 3 the most one sent record carries.
 * 0 for any other value. */
ZS_API uint32_t zs_record_limit(int which)
{
    switch (which) {
    case 0:
        return MBEDTLS_SSL_IN_BUFFER_LEN;
    case 1:
        return MBEDTLS_SSL_OUT_BUFFER_LEN;
    case 2:
        return MBEDTLS_SSL_IN_CONTENT_LEN;
    case 3:
        return MBEDTLS_SSL_OUT_CONTENT_LEN;
    default:
        return 0;
    }
}
