/*
 * Context lifecycle and configuration. Every call returns 0 or a negative mbedTLS error code;
 * the host maps codes to errno in one table (src/tls/errors.ts).
 *
 * Order of use: zs_new -> zs_conf_* -> zs_setup -> zs_set_* (hostname, transport id, session,
 * CID) -> driving calls (zs_engine.c) -> zs_free.
 */
#include <string.h>

#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"
#include "zs.h"

#define ACCT_BEGIN int64_t u0_; zs_acct_begin(&u0_)
#define ACCT_END(c) zs_acct_end((c), u0_)

void zs_free(zs_ctx *c);
static int bio_send(void *p, const unsigned char *buf, size_t len);
static int bio_recv(void *p, unsigned char *buf, size_t len);
static void timer_set(void *p, uint32_t int_ms, uint32_t fin_ms);
static int timer_get(void *p);
void zs_version_tolerance(zs_ctx *c, const unsigned char *buf, size_t n); /* zs_version.c */
int zs_suites_client_psk(zs_ctx *c);                                      /* zs_suites.c */
void zs_suites_chosen(zs_ctx *c);

/* Signature schemes, ours in this order: mbedTLS 3.6's default lists rsa_pss_rsae_* first, a
 * TLS 1.2 server that follows the client's order (OpenSSL, GnuTLS) then signs its
 * ServerKeyExchange with PSS, and mbedTLS 3.6's TLS 1.2 code rejects PSS (illegal_parameter;
 * Mbed-TLS issue #10668, fixed in 4.x). PKCS#1 v1.5 before PSS keeps TLS 1.2 working, and TLS
 * 1.3 peers still choose PSS, the only RSA scheme TLS 1.3 allows in the handshake. */
static const uint16_t zs_sig_algs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
    MBEDTLS_TLS1_3_SIG_NONE,
};

/* mbedTLS asks at most for the smaller of its two record buffers (its ADV_CONTENT_LEN). */
#if MBEDTLS_SSL_IN_CONTENT_LEN < MBEDTLS_SSL_OUT_CONTENT_LEN
#define ZS_ADV_LEN MBEDTLS_SSL_IN_CONTENT_LEN
#else
#define ZS_ADV_LEN MBEDTLS_SSL_OUT_CONTENT_LEN
#endif
#if ZS_ADV_LEN >= 4096
#define ZS_DEFAULT_MFL_CODE MBEDTLS_SSL_MAX_FRAG_LEN_4096
#elif ZS_ADV_LEN >= 2048
#define ZS_DEFAULT_MFL_CODE MBEDTLS_SSL_MAX_FRAG_LEN_2048
#elif ZS_ADV_LEN >= 1024
#define ZS_DEFAULT_MFL_CODE MBEDTLS_SSL_MAX_FRAG_LEN_1024
#else
#define ZS_DEFAULT_MFL_CODE MBEDTLS_SSL_MAX_FRAG_LEN_512
#endif

/* A new context: server != 0 for the server role, dgram != 0 for DTLS. NULL when the arena
 * cannot hold it. min/max versions are MBEDTLS_SSL_VERSION_* (0x0303, 0x0304). */
ZS_API zs_ctx *zs_new(int id, int server, int dgram, int min_ver, int max_ver)
{
    int64_t u0;
    zs_acct_begin(&u0);
    zs_ctx *c = mbedtls_calloc(1, sizeof(*c));
    if (c == NULL) {
        return NULL;
    }
    c->id = id;
    c->dgram = dgram != 0;
    mbedtls_ssl_init(&c->ssl);
    mbedtls_ssl_config_init(&c->conf);
    int ret = mbedtls_ssl_config_defaults(&c->conf,
                                          server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
                                          dgram ? MBEDTLS_SSL_TRANSPORT_DATAGRAM
                                                : MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret == 0) {
        mbedtls_ssl_conf_rng(&c->conf, zs_rng, NULL);
        mbedtls_ssl_conf_min_tls_version(&c->conf, (mbedtls_ssl_protocol_version) min_ver);
        mbedtls_ssl_conf_max_tls_version(&c->conf, (mbedtls_ssl_protocol_version) max_ver);
        mbedtls_ssl_conf_ca_chain(&c->conf, zs_cred_no_ca(), NULL); /* as an empty parsed chain */
        mbedtls_ssl_conf_sig_algs(&c->conf, zs_sig_algs);
        if (dgram) {
            /* No cookie exchange unless the server is given a cookie key (zs_conf_server). */
            mbedtls_ssl_conf_dtls_cookies(&c->conf, NULL, NULL, NULL);
        }
#if MBEDTLS_SSL_IN_CONTENT_LEN < 16384 && defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
        /* Records smaller than 16 KB (the embedded profile): a client whose hello offers (D)TLS
         * 1.2 asks the server to keep to them (RFC 6066 max_fragment_length; Zephyr's
         * NET_SOCKETS_TLS_SET_MAX_FRAGMENT_LENGTH). A server that picks TLS 1.3 may echo it
         * (OpenSSL does): zs_post.c makes mbedTLS take that. A TLS 1.3-only hello carries
         * record_size_limit instead. zs_conf_max_frag_len(c, 0) asks for none. */
        if (!server && min_ver <= MBEDTLS_SSL_VERSION_TLS1_2) {
            ret = mbedtls_ssl_conf_max_frag_len(&c->conf, ZS_DEFAULT_MFL_CODE);
        }
#endif
    }
    zs_acct_end(c, u0);
    /* The context struct itself was allocated before c existed: count it too. */
    c->mem_cur = (int64_t) zs_arena_used_bytes() - u0;
    if (ret != 0) {
        zs_free(c);
        return NULL;
    }
    return c;
}

/* Frees the context and wipes its secrets; the arena returns to where it was before zs_new. */
ZS_API void zs_free(zs_ctx *c)
{
    if (c == NULL) {
        return;
    }
    zs_post_free(c);
    zs_keylog_free(c);
    mbedtls_ssl_free(&c->ssl);
    mbedtls_ssl_config_free(&c->conf);
    mbedtls_free(c->suites);
    mbedtls_free(c->groups);
    mbedtls_free(c->alpn_buf);
    mbedtls_free(c->transport_id);
    if (c->peer_der != NULL) {
        mbedtls_platform_zeroize(c->peer_der, c->peer_der_len);
        mbedtls_free(c->peer_der);
    }
    if (c->srv != NULL) {
        zs_srv_release(c->srv); /* after mbedtls_ssl_free: nothing in the session points to it now */
    }
    if (c->cred != NULL) {
        zs_cred_release(c->cred); /* after mbedtls_ssl_config_free, for the same reason */
    }
    mbedtls_platform_zeroize(c, sizeof(*c));
    mbedtls_free(c);
}

/* Sets the pre-shared key and its identity (mbedTLS copies and later wipes both). */
ZS_API int zs_conf_psk(zs_ctx *c, const unsigned char *psk, size_t psk_len,
                       const unsigned char *id, size_t id_len)
{
    ACCT_BEGIN;
    int ret = mbedtls_ssl_conf_psk(&c->conf, psk, psk_len, id, id_len);
    if (ret == 0) {
        ret = zs_suites_client_psk(c);
    }
    ACCT_END(c);
    return ret;
}

/* MBEDTLS_SSL_VERIFY_NONE 0, OPTIONAL 1, REQUIRED 2. */
ZS_API int zs_conf_authmode(zs_ctx *c, int mode)
{
    if (mode < 0 || mode > 2) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    mbedtls_ssl_conf_authmode(&c->conf, mode);
    return 0;
}

/* Restricts the ciphersuites to `n` IANA ids, in order of preference. */
ZS_API int zs_conf_ciphersuites(zs_ctx *c, const int *ids, int n)
{
    if (n <= 0) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    ACCT_BEGIN;
    int *copy = mbedtls_calloc((size_t) n + 1, sizeof(int));
    int ret = MBEDTLS_ERR_SSL_ALLOC_FAILED;
    if (copy != NULL) {
        memcpy(copy, ids, (size_t) n * sizeof(int));
        mbedtls_free(c->suites);
        c->suites = copy;
        mbedtls_ssl_conf_ciphersuites(&c->conf, c->suites);
        zs_suites_chosen(c);
        ret = 0;
    }
    ACCT_END(c);
    return ret;
}

/* Restricts the key-exchange groups to `n` IANA NamedGroup ids, in order of preference. */
ZS_API int zs_conf_groups(zs_ctx *c, const int *ids, int n)
{
    if (n <= 0) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    ACCT_BEGIN;
    uint16_t *copy = mbedtls_calloc((size_t) n + 1, sizeof(uint16_t));
    int ret = MBEDTLS_ERR_SSL_ALLOC_FAILED;
    if (copy != NULL) {
        for (int i = 0; i < n; i++) {
            copy[i] = (uint16_t) ids[i];
        }
        mbedtls_free(c->groups);
        c->groups = copy;
        mbedtls_ssl_conf_groups(&c->conf, c->groups);
        ret = 0;
    }
    ACCT_END(c);
    return ret;
}

/* ALPN protocols as NUL-separated names in `buf` (len bytes, the last NUL included). */
ZS_API int zs_conf_alpn(zs_ctx *c, const char *buf, size_t len)
{
    if (len == 0 || buf[len - 1] != '\0') {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    ACCT_BEGIN;
    int ret = MBEDTLS_ERR_SSL_ALLOC_FAILED;
    char *copy = mbedtls_calloc(1, len);
    if (copy != NULL) {
        memcpy(copy, buf, len);
        int n = 0;
        for (size_t at = 0; at < len && n < ZS_MAX_ALPN; at += strlen(copy + at) + 1) {
            c->alpn[n++] = copy + at;
        }
        c->alpn[n] = NULL;
        mbedtls_free(c->alpn_buf);
        c->alpn_buf = copy;
        ret = mbedtls_ssl_conf_alpn_protocols(&c->conf, c->alpn);
    }
    ACCT_END(c);
    return ret;
}

ZS_API void zs_conf_dtls_timeouts(zs_ctx *c, uint32_t min_ms, uint32_t max_ms)
{
    mbedtls_ssl_conf_handshake_timeout(&c->conf, min_ms, max_ms);
}

/* RFC 6066 max_fragment_length code: 0 none, 1 = 512 ... 4 = 4096;
 * MBEDTLS_ERR_SSL_BAD_INPUT_DATA for any other value (not narrowed to a byte first: 260 is not 4). */
ZS_API int zs_conf_max_frag_len(zs_ctx *c, int code)
{
    if (code < MBEDTLS_SSL_MAX_FRAG_LEN_NONE || code > MBEDTLS_SSL_MAX_FRAG_LEN_4096) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    return mbedtls_ssl_conf_max_frag_len(&c->conf, (unsigned char) code);
}

/* Client: whether to ask for session tickets (TLS 1.2 and 1.3). */
ZS_API void zs_conf_tickets(zs_ctx *c, int on)
{
    mbedtls_ssl_conf_session_tickets(&c->conf, on ? MBEDTLS_SSL_SESSION_TICKETS_ENABLED
                                                  : MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    /* Let zs_read report a new ticket, so the host can store the session for resumption. */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &c->conf, on ? MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED
                     : MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_DISABLED);
#endif
}

/* Calls zs_host_verify for each certificate of the peer's chain. */
ZS_API void zs_conf_verify_cb(zs_ctx *c, int on)
{
    c->verify_cb = on;
}

/* DTLS connection ID (RFC 9146), before zs_setup: the length of the CID we will ask for. */
ZS_API int zs_conf_cid_len(zs_ctx *c, size_t len)
{
    return mbedtls_ssl_conf_cid(&c->conf, len, MBEDTLS_SSL_UNEXPECTED_CID_IGNORE);
}

/* ---- setup and per-session settings ------------------------------------------------------ */

static int verify_trampoline(void *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    zs_ctx *c = p;
    uint32_t given = *flags;
    int ret = zs_host_verify(c->id, depth, crt->raw.p, crt->raw.len, flags);
    if (ret != ZS_VERIFY_DEFER) {
        return ret;
    }
    /* Deferred: mbedTLS goes on as if this certificate were fine and zs_handshake pauses after
     * this step; zs_verify_resume gives the real answer before anything more is sent. Outside
     * zs_handshake (a TLS 1.2 renegotiation) nothing can pause, so a deferral is a rejection. */
    if (!c->in_steps) {
        *flags = given | MBEDTLS_X509_BADCERT_OTHER;
        return 0;
    }
    c->verify_deferred = 1;
    *flags = 0;
    return 0;
}

/* Freezes the configuration into a session. */
ZS_API int zs_setup(zs_ctx *c)
{
    if (c->is_setup) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    if (c->verify_cb) {
        mbedtls_ssl_conf_verify(&c->conf, verify_trampoline, c);
    }
    ACCT_BEGIN;
    int ret = mbedtls_ssl_setup(&c->ssl, &c->conf);
    if (ret == 0) {
        mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
        mbedtls_ssl_set_timer_cb(&c->ssl, c, timer_set, timer_get);
        c->is_setup = 1;
    }
    ACCT_END(c);
    return ret;
}

/* SNI and the name the peer's certificate must carry; NULL disables the name check. */
ZS_API int zs_set_hostname(zs_ctx *c, const char *name)
{
    ACCT_BEGIN;
    int ret = mbedtls_ssl_set_hostname(&c->ssl, name);
    ACCT_END(c);
    return ret;
}

/* DTLS server: the client's transport address, bound into the cookie. Kept across resets. */
ZS_API int zs_set_transport_id(zs_ctx *c, const unsigned char *id, size_t len)
{
    ACCT_BEGIN;
    int ret = MBEDTLS_ERR_SSL_ALLOC_FAILED;
    unsigned char *copy = mbedtls_calloc(1, len ? len : 1);
    if (copy != NULL) {
        memcpy(copy, id, len);
        mbedtls_free(c->transport_id);
        c->transport_id = copy;
        c->transport_id_len = len;
        ret = mbedtls_ssl_set_client_transport_id(&c->ssl, id, len);
    }
    ACCT_END(c);
    return ret;
}

/* After zs_setup: offer (enable != 0) the connection ID `own`, of the length given above. */
ZS_API int zs_set_cid(zs_ctx *c, int enable, const unsigned char *own, size_t len)
{
    return mbedtls_ssl_set_cid(&c->ssl, enable ? MBEDTLS_SSL_CID_ENABLED : MBEDTLS_SSL_CID_DISABLED,
                               own, len);
}

/* ---- BIO and timer callbacks: the windows lent by zs_io, the time given by zs_clock ------- */

static int is_dgram(const zs_ctx *c)
{
    return c->dgram;
}

static int bio_send(void *p, const unsigned char *buf, size_t len)
{
    zs_ctx *c = p;
    uint32_t room = c->out_cap - c->out_len;
    if (is_dgram(c)) {
        if (room < ZS_FRAME_HDR + len) {
            return MBEDTLS_ERR_SSL_WANT_WRITE;
        }
        uint32_t n = (uint32_t) len;
        unsigned char *at = c->out + c->out_len;
        at[0] = n & 0xff, at[1] = (n >> 8) & 0xff, at[2] = (n >> 16) & 0xff, at[3] = n >> 24;
        memcpy(at + ZS_FRAME_HDR, buf, len);
        c->out_len += ZS_FRAME_HDR + n;
        return (int) len;
    }
    if (room == 0) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    size_t n = len < room ? len : room;
    memcpy(c->out + c->out_len, buf, n);
    c->out_len += (uint32_t) n;
    return (int) n;
}

static int bio_recv(void *p, unsigned char *buf, size_t len)
{
    zs_ctx *c = p;
    uint32_t left = c->in_len - c->in_used;
    if (left == 0) {
        return c->eof ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
    }
    const unsigned char *at = c->in + c->in_used;
    if (is_dgram(c)) {
        uint32_t n = left < ZS_FRAME_HDR ? 0
                   : at[0] | (at[1] << 8) | (at[2] << 16) | ((uint32_t) at[3] << 24);
        if (left < ZS_FRAME_HDR || n > left - ZS_FRAME_HDR) {
            c->in_used = c->in_len; /* malformed framing from the host: drop the rest */
            return MBEDTLS_ERR_SSL_WANT_READ;
        }
        /* One datagram per call; what does not fit in mbedTLS's buffer is lost, as with UDP. */
        size_t take = n < len ? n : len;
        memcpy(buf, at + ZS_FRAME_HDR, take);
        c->in_used += ZS_FRAME_HDR + n;
        return (int) take;
    }
    size_t n = len < left ? len : left;
    memcpy(buf, at, n);
    c->in_used += (uint32_t) n;
    zs_version_tolerance(c, buf, n);
    return (int) n;
}

static void timer_set(void *p, uint32_t int_ms, uint32_t fin_ms)
{
    zs_ctx *c = p;
    c->timer_start = zs_now_ms;
    c->timer_int = int_ms;
    c->timer_fin = fin_ms;
}

static int timer_get(void *p)
{
    const zs_ctx *c = p;
    if (c->timer_fin == 0) {
        return -1;
    }
    double elapsed = zs_now_ms - c->timer_start;
    return elapsed >= c->timer_fin ? 2 : elapsed >= c->timer_int ? 1 : 0;
}
