/*
 * Driving a context and asking about it. Driving calls return a byte count (read/write), 0,
 * or a negative mbedTLS code: WANT_READ / WANT_WRITE mean "feed me" / "drain me and call again
 * with the same arguments", anything else is the host's to map (src/tls/errors.ts).
 */
#include "mbedtls/platform.h"
#include "zs.h"

#define ACCT_BEGIN int64_t u0_; zs_acct_begin(&u0_)
#define ACCT_END(c) zs_acct_end((c), u0_)

void zs_version_forget(zs_ctx *c); /* zs_version.c */

/* Lends the windows used by the next driving calls (see zs.h). */
ZS_API void zs_io(zs_ctx *c, const unsigned char *in, uint32_t in_len, unsigned char *out,
                  uint32_t out_cap)
{
    c->in = in;
    c->in_len = in_len;
    c->in_used = 0;
    c->out = out;
    c->out_cap = out_cap;
    c->out_len = 0;
}

/* The transport reached end of file (TCP FIN): after the in window, mbedTLS sees EOF. */
ZS_API void zs_io_eof(zs_ctx *c)
{
    c->eof = 1;
}

/* Bytes of the in window consumed, and bytes written to the out window, since zs_io. */
ZS_API uint32_t zs_io_in_used(const zs_ctx *c)
{
    return c->in_used;
}

ZS_API uint32_t zs_io_out_len(const zs_ctx *c)
{
    return c->out_len;
}

/* Whether a handshake's `ret` is a wait, or an end the peer or the clock made. */
static int from_peer_or_clock(int ret)
{
    switch (ret) {
        case MBEDTLS_ERR_SSL_WANT_READ:
        case MBEDTLS_ERR_SSL_WANT_WRITE:
        case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
        case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
        case MBEDTLS_ERR_SSL_CONN_EOF:
        case MBEDTLS_ERR_SSL_TIMEOUT:
            return 1;
        default:
            return 0;
    }
}

/* Runs the handshake as far as it can go: 0 when it is over; ZS_VERIFY_PENDING (1) while the
 * host's verify callback has deferred its answer (see zs_verify_resume). A DTLS server answers
 * a ClientHello without a valid cookie with HelloVerifyRequest and starts over, keeping the
 * client's address: the host sees WANT_READ (and a datagram to send).
 * A handshake that fails on its own side after the arena refused it an allocation fails with
 * ALLOC_FAILED (ENOMEM): mbedTLS reports some refusals as something else (a certificate whose
 * signature it could not hash reads as signed by an unknown CA), and which allocation fails first
 * depends on how the arena is fragmented. What the peer or the clock ended stays as it is. */
ZS_API int zs_handshake(zs_ctx *c)
{
    if (c->verify_deferred) {
        return ZS_VERIFY_PENDING;
    }
    if (c->verify_failed) {
        return c->arena_short ? MBEDTLS_ERR_SSL_ALLOC_FAILED : MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    }
    ACCT_BEGIN;
    uint32_t refused = zs_arena_refused();
    int ret = zs_idle_wake(c);
    if (ret == 0) {
        ret = zs_post_run_handshake(c);
    }
    zs_version_forget(c);
    if (ret == MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED) {
        ret = mbedtls_ssl_session_reset(&c->ssl);
        if (ret == 0 && c->transport_id != NULL) {
            ret = mbedtls_ssl_set_client_transport_id(&c->ssl, c->transport_id,
                                                      c->transport_id_len);
        }
        if (ret == 0) {
            ret = MBEDTLS_ERR_SSL_WANT_READ;
        }
    }
    if (ret == 0) {
        zs_idle_trim(c);
        zs_bufs_idle(c);
    }
    c->arena_short |= zs_arena_refused() != refused;
    if (ret < 0 && c->arena_short && !from_peer_or_clock(ret)) {
        ret = MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    ACCT_END(c);
    return ret;
}

/* Decrypted application data into buf: a count > 0; WANT_READ while no whole record is in;
 * PEER_CLOSE_NOTIFY (or 0) after the peer's close_notify; RECEIVED_NEW_SESSION_TICKET when a
 * TLS 1.3 ticket arrived (call again). */
ZS_API int zs_read(zs_ctx *c, unsigned char *buf, size_t len)
{
    ACCT_BEGIN;
    int ret = zs_idle_wake(c);
    while (ret == 0) {
        ret = mbedtls_ssl_read(&c->ssl, buf, len);
        if (ret != MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE) {
            break;
        }
        ret = zs_post_key_update_received(c); /* mbedTLS 3.6 has no KeyUpdate; the shim does */
    }
    zs_idle_trim(c); /* a ticket was handled, or a renegotiation ended, in this read */
    if (ret == MBEDTLS_ERR_SSL_WANT_READ) {
        zs_bufs_idle(c); /* waiting for the peer: the record buffers shrink (zs_bufs.c) */
    }
    ACCT_END(c);
    return ret;
}

/* Encrypts up to one record of buf; returns the count taken (may be less than len). */
ZS_API int zs_write(zs_ctx *c, const unsigned char *buf, size_t len)
{
    ACCT_BEGIN;
    int ret = zs_idle_wake(c);
    if (ret == 0) {
        ret = mbedtls_ssl_write(&c->ssl, buf, len);
    }
    zs_idle_trim(c); /* a write first finishes a ticket's handling */
    ACCT_END(c);
    return ret;
}

ZS_API int zs_close_notify(zs_ctx *c)
{
    ACCT_BEGIN;
    int ret = zs_idle_wake(c);
    if (ret == 0) {
        ret = mbedtls_ssl_close_notify(&c->ssl);
    }
    ACCT_END(c);
    return ret;
}

/* TLS 1.2: start a renegotiation (both sides must allow it: zs_conf_renegotiation). */
ZS_API int zs_renegotiate(zs_ctx *c)
{
    ACCT_BEGIN;
    int ret = zs_idle_wake(c);
    if (ret == 0) {
        ret = mbedtls_ssl_renegotiate(&c->ssl);
    }
    ACCT_END(c);
    return ret;
}

ZS_API void zs_conf_renegotiation(zs_ctx *c, int on)
{
    mbedtls_ssl_conf_renegotiation(&c->conf, on ? MBEDTLS_SSL_RENEGOTIATION_ENABLED
                                                : MBEDTLS_SSL_RENEGOTIATION_DISABLED);
}

/* ---- queries ---------------------------------------------------------------------------- */

ZS_API int zs_handshake_over(const zs_ctx *c)
{
    return mbedtls_ssl_is_handshake_over((mbedtls_ssl_context *) &c->ssl);
}

/* The negotiated ciphersuite's IANA id, 0 before the handshake. */
ZS_API int zs_ciphersuite(const zs_ctx *c)
{
    return mbedtls_ssl_get_ciphersuite_id_from_ssl(&c->ssl);
}

/* MBEDTLS_SSL_VERSION_TLS1_2 (0x0303) or _TLS1_3 (0x0304); DTLS 1.2 reports 0x0303. */
ZS_API int zs_version(const zs_ctx *c)
{
    return (int) mbedtls_ssl_get_version_number(&c->ssl);
}

/* The ALPN protocol agreed on (NUL-terminated), or NULL. */
ZS_API const char *zs_alpn(const zs_ctx *c)
{
    return mbedtls_ssl_get_alpn_protocol(&c->ssl);
}

/* The peer's leaf certificate as DER (length in *len), or NULL. */
ZS_API const unsigned char *zs_peer_cert(const zs_ctx *c, uint32_t *len)
{
    if (c->peer_der != NULL) { /* TLS 1.3, established (zs_idle.c) */
        *len = c->peer_der_len;
        return c->peer_der;
    }
    const mbedtls_x509_crt *crt = mbedtls_ssl_get_peer_cert(&c->ssl);
    *len = crt != NULL ? (uint32_t) crt->raw.len : 0;
    return crt != NULL ? crt->raw.p : NULL;
}

/* X.509 verification flags (MBEDTLS_X509_BADCERT_*); 0xffffffff when there is no result yet. */
ZS_API uint32_t zs_verify_result(const zs_ctx *c)
{
    return mbedtls_ssl_get_verify_result(&c->ssl);
}

/* Decrypted bytes waiting to be read. */
ZS_API uint32_t zs_bytes_avail(const zs_ctx *c)
{
    return (uint32_t) mbedtls_ssl_get_bytes_avail(&c->ssl);
}

/* The time (caller's ms) at which the DTLS retransmission timer expires; -1 when not running. */
ZS_API double zs_timer_deadline(const zs_ctx *c)
{
    return c->timer_fin == 0 ? -1.0 : c->timer_start + c->timer_fin;
}

/* The peer's DTLS connection ID: returns 1 if in use (copied to buf, length in *len), else 0. */
ZS_API int zs_peer_cid(const zs_ctx *c, unsigned char *buf, uint32_t *len)
{
    int enabled = 0;
    size_t n = 0;
    if (mbedtls_ssl_get_peer_cid((mbedtls_ssl_context *) &c->ssl, &enabled, buf, &n) != 0) {
        return 0;
    }
    *len = (uint32_t) n;
    return enabled == MBEDTLS_SSL_CID_ENABLED;
}

/* Arena bytes held by the context: which 0 = now, 1 = peak since creation. */
ZS_API uint32_t zs_mem(const zs_ctx *c, int which)
{
    return (uint32_t) (which ? c->mem_peak : c->mem_cur);
}
