/*
 * Record buffers that shrink while a connection is idle (issue 19 item 4).
 *
 * mbedTLS allocates both record buffers at their full size (16 KB + overhead each in the full
 * profile) for the life of a context. An idle TLS connection holds nothing in them, yet they are
 * most of its arena bytes. With MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH mbedTLS reads every bound
 * from ssl->in_buf_len / out_buf_len, so the shim may resize the buffers between driving calls:
 *  - zs_bufs_idle: once a stream connection's handshake is over and neither buffer holds a byte
 *    (no partial record, no unread plaintext, nothing left to send), both buffers become
 *    ZSOCK_TLS_IDLE_BUF_LEN bytes.
 *  - zs_bufs_full: every driving call first gives them back their full size (as mbedTLS does
 *    itself when a handshake starts), before mbedTLS can read or write a record.
 * A peer therefore cannot make a context hold more than before: the largest buffers are the
 * same, and a resize holds the old and the new buffer together for one copy of at most
 * ZSOCK_TLS_IDLE_BUF_LEN bytes. A failed regrowth is MBEDTLS_ERR_SSL_ALLOC_FAILED from that call
 * (ENOMEM), with the context unchanged. DTLS contexts keep their buffers (a datagram may carry
 * several records, and retransmissions keep state between calls).
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* buffer fields, as mbedTLS's own library files use them */
#include <string.h>

#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"
#include "ssl_misc.h"
#include "zs.h"

#if defined(MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH) && ZSOCK_TLS_IDLE_BUF_LEN > 0

/* Moves one record buffer to a new block of `len` bytes (the first min(len, old) bytes kept),
 * with the record pointers into it at their offsets: mbedTLS derives them from the buffer's
 * start (ssl_msg.c), and none is dereferenced while the buffer is small. */
static int move_buffer(unsigned char **buf, size_t *buf_len, size_t len, unsigned char **ptr[],
                       int n)
{
    if (*buf_len == len) {
        return 0;
    }
    unsigned char *fresh = mbedtls_calloc(1, len);
    if (fresh == NULL) {
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    memcpy(fresh, *buf, len < *buf_len ? len : *buf_len);
    for (int i = 0; i < n; i++) {
        *ptr[i] = fresh + (*ptr[i] - *buf);
    }
    mbedtls_zeroize_and_free(*buf, *buf_len);
    *buf = fresh;
    *buf_len = len;
    return 0;
}

#if defined(MBEDTLS_SSL_DTLS_CONNECTION_ID)
#define CID_PTR(dir) &ssl->dir##_cid,
#else
#define CID_PTR(dir)
#endif

/* Both buffers to the given sizes; on failure each one keeps the size it reached. */
static int resize(mbedtls_ssl_context *ssl, size_t in_len, size_t out_len)
{
    unsigned char **in[] = { &ssl->in_ctr, &ssl->in_hdr, CID_PTR(in) &ssl->in_len, &ssl->in_iv, &ssl->in_msg };
    unsigned char **out[] = { &ssl->out_ctr, &ssl->out_hdr, CID_PTR(out) &ssl->out_len, &ssl->out_iv, &ssl->out_msg };
    int ret = move_buffer(&ssl->in_buf, &ssl->in_buf_len, in_len, in, sizeof(in) / sizeof(in[0]));
    return ret != 0 ? ret : move_buffer(&ssl->out_buf, &ssl->out_buf_len, out_len, out,
                                        sizeof(out) / sizeof(out[0]));
}

/** Before a driving call: full-size buffers. 0, or MBEDTLS_ERR_SSL_ALLOC_FAILED (the call then
 *  fails with it; a later call tries again). */
int zs_bufs_full(zs_ctx *c)
{
    mbedtls_ssl_context *ssl = &c->ssl;
    if (ssl->in_buf == NULL || ssl->out_buf == NULL) {
        return 0; /* before zs_setup, or after a failed one: mbedTLS checks that itself */
    }
    return resize(ssl, MBEDTLS_SSL_IN_BUFFER_LEN, MBEDTLS_SSL_OUT_BUFFER_LEN);
}

/** After a driving call: small buffers when the stream connection is idle (see above). */
void zs_bufs_idle(zs_ctx *c)
{
    mbedtls_ssl_context *ssl = &c->ssl;
    if (c->dgram || ssl->in_buf == NULL || ssl->out_buf == NULL ||
        !mbedtls_ssl_is_handshake_over(ssl) || ssl->in_left != 0 || ssl->in_msglen != 0 ||
        ssl->in_offt != NULL || ssl->in_hslen != 0 || ssl->badmac_seen_or_in_hsfraglen != 0 ||
        ssl->keep_current_message || ssl->out_left != 0) {
        return;
    }
    (void) resize(ssl, ZSOCK_TLS_IDLE_BUF_LEN, ZSOCK_TLS_IDLE_BUF_LEN);
}

#else

int zs_bufs_full(zs_ctx *c)
{
    (void) c;
    return 0;
}

void zs_bufs_idle(zs_ctx *c)
{
    (void) c;
}

#endif
