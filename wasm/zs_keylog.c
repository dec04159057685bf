/*
 * TLS key log, as NSS's SSLKEYLOGFILE: the secrets of a session as text lines Wireshark reads
 * to decrypt a capture. mbedTLS hands them over through its export-keys callback while it
 * derives them; the shim keeps the lines in the context (a bounded buffer, off until asked for)
 * and the host takes them after each driving call. Nothing calls back into the host.
 *
 *   TLS 1.2, DTLS 1.2   CLIENT_RANDOM <client random> <master secret>
 *   TLS 1.3             CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,
 *                       CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0 <client random> <secret>
 *
 * The lines are secrets: what is taken, and the buffer when freed, are wiped.
 */
#include <string.h>

#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"
#include "zs.h"

struct zs_keylog {
    uint32_t len;
    unsigned char buf[ZS_KEYLOG_CAP];
};

static const char *label_of(mbedtls_ssl_key_export_type type)
{
    switch (type) {
    case MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET:
        return "CLIENT_RANDOM";
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_EARLY_SECRET:
        return "CLIENT_EARLY_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_HANDSHAKE_TRAFFIC_SECRET:
        return "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_HANDSHAKE_TRAFFIC_SECRET:
        return "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_APPLICATION_TRAFFIC_SECRET:
        return "CLIENT_TRAFFIC_SECRET_0";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_APPLICATION_TRAFFIC_SECRET:
        return "SERVER_TRAFFIC_SECRET_0";
#endif
    default:
        return NULL; /* the early exporter secret: no use for decryption */
    }
}

static unsigned char *hex(unsigned char *at, const unsigned char *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        *at++ = (unsigned char) digits[b[i] >> 4];
        *at++ = (unsigned char) digits[b[i] & 15];
    }
    return at;
}

static void export_keys(void *p, mbedtls_ssl_key_export_type type, const unsigned char *secret,
                        size_t secret_len, const unsigned char client_random[32],
                        const unsigned char server_random[32], mbedtls_tls_prf_types prf)
{
    (void) server_random;
    (void) prf;
    zs_ctx *c = p;
    struct zs_keylog *k = c->keylog;
    const char *label = label_of(type);
    if (k == NULL || label == NULL || secret_len > 64) {
        return;
    }
    size_t lablen = strlen(label);
    size_t need = lablen + 1 + 64 + 1 + 2 * secret_len + 1;
    /* The host takes the lines after every driving call, and one call derives one handshake's
     * (four lines at most): a line that does not fit is dropped, never grown into. */
    if (need > ZS_KEYLOG_CAP - k->len) {
        return;
    }
    unsigned char *at = k->buf + k->len;
    memcpy(at, label, lablen);
    at += lablen;
    *at++ = ' ';
    at = hex(at, client_random, 32);
    *at++ = ' ';
    at = hex(at, secret, secret_len);
    *at++ = '\n';
    k->len += (uint32_t) need;
}

/* on != 0: keep the key log lines of this context from now on (before the handshake they
 * concern); 0: stop and wipe what was kept. 0, or MBEDTLS_ERR_SSL_ALLOC_FAILED. */
ZS_API int zs_keylog(zs_ctx *c, int on)
{
    if (!on) {
        zs_keylog_free(c);
        return 0;
    }
    if (c->keylog != NULL) {
        return 0;
    }
    int64_t u0;
    zs_acct_begin(&u0);
    c->keylog = mbedtls_calloc(1, sizeof(struct zs_keylog));
    zs_acct_end(c, u0);
    if (c->keylog == NULL) {
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    mbedtls_ssl_set_export_keys_cb(&c->ssl, export_keys, c);
    return 0;
}

/* Moves the whole lines that fit in buf (cap bytes) out of the context and wipes them there;
 * returns the bytes written (0: none kept, or key logging is off). */
ZS_API uint32_t zs_keylog_take(zs_ctx *c, unsigned char *buf, uint32_t cap)
{
    struct zs_keylog *k = c->keylog;
    if (k == NULL || k->len == 0) {
        return 0;
    }
    uint32_t lim = k->len < cap ? k->len : cap, n = 0;
    for (uint32_t i = 0; i < lim; i++) {
        if (k->buf[i] == '\n') {
            n = i + 1;
        }
    }
    memcpy(buf, k->buf, n);
    memmove(k->buf, k->buf + n, k->len - n);
    mbedtls_platform_zeroize(k->buf + (k->len - n), n);
    k->len -= n;
    return n;
}

/* Stops key logging and wipes the lines kept (zs_free calls it). */
void zs_keylog_free(zs_ctx *c)
{
    if (c->keylog == NULL) {
        return;
    }
    mbedtls_ssl_set_export_keys_cb(&c->ssl, NULL, NULL);
    int64_t u0;
    zs_acct_begin(&u0);
    mbedtls_platform_zeroize(c->keylog, sizeof(struct zs_keylog));
    mbedtls_free(c->keylog);
    zs_acct_end(c, u0);
    c->keylog = NULL;
}
