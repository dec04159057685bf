/*
 * Client sessions: saved after a handshake, offered again on the next connection.
 *
 * A saved session is offered only when this connection could resume it. mbedTLS 3.6 takes any
 * session and then fails the handshake when it does not fit:
 *  - a session of a version the configuration no longer offers (a TLS 1.3 session on a client
 *    limited to TLS 1.2, or the reverse) makes it write a hello of the session's version, which
 *    the server refuses;
 *  - a TLS 1.3 ticket issued for another server name ends the handshake with
 *    MBEDTLS_ERR_SSL_BAD_INPUT_DATA before anything is sent.
 * The socket layer's cache is keyed by the peer's address, as Zephyr's is, so either happens
 * whenever an address is reused with other options. Such a session is left unused and the
 * handshake is a full one, as OpenSSL does with a session it cannot resume.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* the configured versions and the ticket's server name */
#include <string.h>

#include "mbedtls/platform.h"
#include "ssl_misc.h"
#include "zs.h"

#define ACCT_BEGIN int64_t u0_; zs_acct_begin(&u0_)
#define ACCT_END(c) zs_acct_end((c), u0_)

static int resumable(const zs_ctx *c, const mbedtls_ssl_session *s)
{
    if (s->tls_version < c->conf.min_tls_version || s->tls_version > c->conf.max_tls_version) {
        return 0;
    }
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && \
    defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)
    if (s->tls_version == MBEDTLS_SSL_VERSION_TLS1_3) {
        const char *name = mbedtls_ssl_get_hostname_pointer(&c->ssl);
        if (name == NULL || s->hostname == NULL) {
            return name == s->hostname;
        }
        return strcmp(name, s->hostname) == 0;
    }
#endif
    return 1;
}

/* Client, after zs_set_hostname: resume the session serialised by zs_session_save, when this
 * connection can (above); otherwise the handshake is a full one. */
ZS_API int zs_session_load(zs_ctx *c, const unsigned char *buf, size_t len)
{
    ACCT_BEGIN;
    mbedtls_ssl_session s;
    mbedtls_ssl_session_init(&s);
    int ret = mbedtls_ssl_session_load(&s, buf, len);
    if (ret == 0 && resumable(c, &s)) {
        ret = mbedtls_ssl_set_session(&c->ssl, &s);
    }
    mbedtls_ssl_session_free(&s);
    ACCT_END(c);
    return ret;
}

/* Serialises the current session into buf; *olen gets the size (also when buf is too small). */
ZS_API int zs_session_save(zs_ctx *c, unsigned char *buf, size_t cap, size_t *olen)
{
    ACCT_BEGIN;
    mbedtls_ssl_session s;
    mbedtls_ssl_session_init(&s);
    int ret = mbedtls_ssl_get_session(&c->ssl, &s);
    if (ret == 0) {
        ret = mbedtls_ssl_session_save(&s, buf, cap, olen);
    }
    mbedtls_ssl_session_free(&s);
    ACCT_END(c);
    return ret;
}
