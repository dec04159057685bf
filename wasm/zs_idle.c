/*
 * What an established TLS context gives back while it is idle (issue 19 item 4: RAM per TLS
 * context), beside its record buffers (zs_bufs.c):
 *  - The peer's certificate. With MBEDTLS_SSL_KEEP_PEER_CERTIFICATE mbedTLS keeps the peer's
 *    whole chain, parsed (names, extensions, public key), for the life of the session. After
 *    the handshake only the leaf's DER is read again: zs_peer_cert, saving the session
 *    (mbedtls_ssl_get_session and the session cache parse a copy from it) and a TLS 1.2
 *    renegotiation's check that the server's certificate did not change. So the session keeps
 *    the leaf as DER alone (an mbedtls_x509_crt with only `raw` set). A renegotiation parses the
 *    new chain into its own session, compacted the same way when it ends. A TLS 1.3 session
 *    needs not even that (its saved form has no certificate, and there is no renegotiation):
 *    the context keeps the DER itself, for zs_peer_cert.
 *  - A TLS 1.3 client's handshake parameters. mbedTLS 3.6 keeps them (about 1.5 KB with the
 *    handshake's transform) until the context is freed, because a NewSessionTicket that comes
 *    later is handled by its handshake state machine. Once the handshake is over they are freed;
 *    when a ticket arrives (mbedTLS moves to MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET and answers
 *    WANT_READ), the next driving call first gives the state machine a fresh, empty set: a
 *    ticket needs none of the handshake's (it is read with the session's application keys and
 *    derives its key from the session's resumption secret). A server keeps its parameters:
 *    zs_send_ticket writes tickets through them.
 *  - The TLS 1.2 transform every handshake starts with (transform_negotiate), which a TLS 1.3
 *    session never uses.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* internal fields, as mbedTLS's own library files use them */
#include "mbedtls/platform.h"
#include "ssl_misc.h"
#include "zs.h"

static int tls13_client(const zs_ctx *c)
{
    return c->ssl.conf->endpoint == MBEDTLS_SSL_IS_CLIENT &&
           c->ssl.tls_version == MBEDTLS_SSL_VERSION_TLS1_3;
}

#if defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
static void compact_peer_cert(zs_ctx *c, mbedtls_ssl_session *s)
{
    mbedtls_x509_crt *crt = s != NULL ? s->peer_cert : NULL;
    /* version 0: not parsed (already compact); a buffer it does not own stays as mbedTLS made it */
    if (crt == NULL || (crt->version == 0 && crt->next == NULL) || !crt->own_buffer) {
        return;
    }
    mbedtls_x509_buf raw = crt->raw;
    crt->own_buffer = 0; /* the DER moves to the compact form: the free below leaves it */
    mbedtls_x509_crt_free(crt);
    if (c->ssl.tls_version == MBEDTLS_SSL_VERSION_TLS1_3 && c->peer_der == NULL) {
        /* TLS 1.3 saves no certificate with a session and has no renegotiation: nothing in
         * mbedTLS reads it again, and the context keeps the DER without the structure */
        mbedtls_free(crt);
        s->peer_cert = NULL;
        c->peer_der = raw.p;
        c->peer_der_len = (uint32_t) raw.len;
        return;
    }
    mbedtls_x509_crt_init(crt);
    crt->raw = raw;
    crt->own_buffer = 1;
}
#endif

/** After a driving call: once the handshake is over (and no post-handshake message is being
 *  handled), what the context no longer needs is freed (see above). Idempotent. */
void zs_idle_trim(zs_ctx *c)
{
    mbedtls_ssl_context *ssl = &c->ssl;
    if (ssl->state != MBEDTLS_SSL_HANDSHAKE_OVER) {
        return;
    }
#if defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
    compact_peer_cert(c, ssl->session);
#endif
    if (ssl->handshake != NULL && tls13_client(c)) {
        mbedtls_ssl_handshake_free(ssl);
        mbedtls_free(ssl->handshake);
        ssl->handshake = NULL;
    }
#if defined(MBEDTLS_SSL_PROTO_TLS1_2)
    /* made when every handshake starts, for TLS 1.2's keys; a TLS 1.3 session never uses it */
    if (ssl->tls_version == MBEDTLS_SSL_VERSION_TLS1_3 && ssl->transform_negotiate != NULL &&
        ssl->transform_negotiate != ssl->transform_in &&
        ssl->transform_negotiate != ssl->transform_out) {
        mbedtls_ssl_transform_free(ssl->transform_negotiate);
        mbedtls_free(ssl->transform_negotiate);
        ssl->transform_negotiate = NULL;
    }
#endif
}

/** Before a driving call: full-size record buffers (zs_bufs_full), and a TLS 1.3 client whose
 *  state machine has a post-handshake message to handle (a NewSessionTicket) gets handshake
 *  parameters again. 0, or MBEDTLS_ERR_SSL_ALLOC_FAILED (the call fails with it, the context
 *  unchanged; a later call tries again). */
int zs_idle_wake(zs_ctx *c)
{
    mbedtls_ssl_context *ssl = &c->ssl;
    int ret = zs_bufs_full(c);
    if (ret != 0 || ssl->handshake != NULL || ssl->state <= MBEDTLS_SSL_HANDSHAKE_OVER ||
        !tls13_client(c)) {
        return ret;
    }
    ssl->handshake = mbedtls_calloc(1, sizeof(mbedtls_ssl_handshake_params));
    return ssl->handshake != NULL ? 0 : MBEDTLS_ERR_SSL_ALLOC_FAILED;
}
