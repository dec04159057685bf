/*
 * After the handshake: what SIOCTTLSCTL needs and mbedTLS 3.6 has no API for.
 *  - TLS 1.3 KeyUpdate (RFC 8446 4.6.3), both ways. mbedTLS 3.6 neither sends one nor accepts
 *    one (it fails the connection with unexpected_message), so the shim derives the next
 *    traffic secret itself and installs a new transform for that direction only.
 *  - A NewSessionTicket on demand from a TLS 1.3 server (mbedTLS's own state machine writes it:
 *    the TLS 1.3 handshake parameters live until the context is freed).
 *  - The key-exchange group, recorded while the handshake parameters exist.
 *  - A verify callback that defers its answer: the handshake pauses after the certificate step
 *    (nothing was sent that depends on the peer's identity) until zs_verify_resume.
 * These reach into mbedTLS's internal headers (library/), pinned by the Makefile's version.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* internal fields, as mbedTLS's own library files use them */
#include <string.h>

#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"
#include "ssl_misc.h"
#include "ssl_tls13_keys.h"
#include "zs.h"

#define ACCT_BEGIN int64_t u0_; zs_acct_begin(&u0_)
#define ACCT_END(c) zs_acct_end((c), u0_)

#define HS_KEY_UPDATE 24 /* RFC 8446 B.3 */

#if defined(MBEDTLS_SSL_PROTO_TLS1_3)

static int is_tls13(const zs_ctx *c)
{
    return mbedtls_ssl_is_handshake_over((mbedtls_ssl_context *) &c->ssl) &&
           c->ssl.tls_version == MBEDTLS_SSL_VERSION_TLS1_3 && c->ssl.session != NULL;
}

/* application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length)
 * for one direction (ours: outbound = 1), then a transform with the new keys for that
 * direction. The other direction of the new transform is never used. */
static int next_transform(zs_ctx *c, int outbound, mbedtls_ssl_transform **out)
{
    mbedtls_ssl_context *ssl = &c->ssl;
    const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(ssl->session->ciphersuite);
    if (info == NULL) {
        return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    psa_algorithm_t hash = mbedtls_md_psa_alg_from_type((mbedtls_md_type_t) info->mac);
    size_t hlen = PSA_HASH_LENGTH(hash);
    int client = ssl->conf->endpoint == MBEDTLS_SSL_IS_CLIENT;
    mbedtls_ssl_tls13_application_secrets *app = &ssl->session->app_secrets;
    unsigned char *secret = (client == outbound) ? app->client_application_traffic_secret_N
                                                 : app->server_application_traffic_secret_N;
    int ret = mbedtls_ssl_tls13_hkdf_expand_label(hash, secret, hlen,
                                                  MBEDTLS_SSL_TLS1_3_LBL_WITH_LEN(traffic_upd),
                                                  NULL, 0, secret, hlen);
    if (ret != 0) {
        return ret;
    }
    psa_key_type_t kt;
    psa_algorithm_t alg;
    size_t bits;
    if (mbedtls_ssl_cipher_to_psa((mbedtls_cipher_type_t) info->cipher,
                                  (info->flags & MBEDTLS_CIPHERSUITE_SHORT_TAG) ? 8 : 16,
                                  &alg, &kt, &bits) != PSA_SUCCESS) {
        return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    mbedtls_ssl_key_set keys;
    ret = mbedtls_ssl_tls13_make_traffic_keys(hash, app->client_application_traffic_secret_N,
                                              app->server_application_traffic_secret_N, hlen,
                                              PSA_BITS_TO_BYTES(bits), 12, &keys);
    mbedtls_ssl_transform *t = NULL;
    if (ret == 0) {
        t = mbedtls_calloc(1, sizeof(*t));
        ret = t == NULL ? MBEDTLS_ERR_SSL_ALLOC_FAILED : 0;
    }
    if (ret == 0) {
        mbedtls_ssl_transform_init(t);
        ret = mbedtls_ssl_tls13_populate_transform(t, ssl->conf->endpoint, ssl->session->ciphersuite,
                                                   &keys, ssl);
    }
    mbedtls_platform_zeroize(&keys, sizeof(keys));
    if (ret != 0 && t != NULL) {
        mbedtls_ssl_transform_free(t);
        mbedtls_free(t);
        t = NULL;
    }
    *out = t;
    return ret;
}

/* Installs t for one direction; frees the transform it replaces if the shim made it. */
static void install(zs_ctx *c, int outbound, mbedtls_ssl_transform *t)
{
    mbedtls_ssl_transform **mine = outbound ? (mbedtls_ssl_transform **) &c->ku_out
                                            : (mbedtls_ssl_transform **) &c->ku_in;
    if (outbound) {
        mbedtls_ssl_set_outbound_transform(&c->ssl, t);
    } else {
        mbedtls_ssl_set_inbound_transform(&c->ssl, t);
    }
    if (*mine != NULL) {
        mbedtls_ssl_transform_free(*mine);
        mbedtls_free(*mine);
    }
    *mine = t;
}

static int send_key_update(zs_ctx *c, int request_update)
{
    mbedtls_ssl_context *ssl = &c->ssl;
    int ret = mbedtls_ssl_flush_output(ssl);
    if (ret != 0) {
        return ret; /* WANT_WRITE: nothing written yet, the caller retries */
    }
    mbedtls_ssl_transform *t;
    if ((ret = next_transform(c, 1, &t)) != 0) {
        return ret;
    }
    ssl->out_msgtype = MBEDTLS_SSL_MSG_HANDSHAKE;
    ssl->out_msg[0] = HS_KEY_UPDATE;
    ssl->out_msg[1] = 0;
    ssl->out_msg[2] = 0;
    ssl->out_msg[3] = 1;
    ssl->out_msg[4] = (unsigned char) (request_update ? 1 : 0);
    ssl->out_msglen = 5;
    ret = mbedtls_ssl_write_record(ssl, 0); /* sealed under the old key, queued in out_buf */
    if (ret != 0) {
        mbedtls_ssl_transform_free(t);
        mbedtls_free(t);
        return ret;
    }
    install(c, 1, t);
    ret = mbedtls_ssl_flush_output(ssl);
    return ret == MBEDTLS_ERR_SSL_WANT_WRITE ? 0 : ret; /* the rest leaves on the next flush */
}

/* A received KeyUpdate, left in in_msg by mbedtls_ssl_read's unexpected_message: the peer's
 * next key for inbound records, and our own KeyUpdate when the peer asked for one. 0 when
 * handled; otherwise the error to report (the connection is then dead, with an alert). */
int zs_post_key_update_received(zs_ctx *c)
{
    mbedtls_ssl_context *ssl = &c->ssl;
    if (!is_tls13(c) || ssl->in_msgtype != MBEDTLS_SSL_MSG_HANDSHAKE ||
        ssl->in_msg[0] != HS_KEY_UPDATE) {
        return MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE;
    }
    /* RFC 8446 5.1: a KeyUpdate must end its record (the next record uses the new key). */
    if (ssl->in_hslen != 5 || ssl->in_msglen != 5 || ssl->in_msg[4] > 1) {
        mbedtls_ssl_send_alert_message(ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                       ssl->in_msg[4] > 1 ? MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER
                                                          : MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE);
        return MBEDTLS_ERR_SSL_DECODE_ERROR;
    }
    int requested = ssl->in_msg[4];
    mbedtls_ssl_transform *t;
    int ret = next_transform(c, 0, &t);
    if (ret != 0) {
        return ret;
    }
    install(c, 0, t);
    c->key_updates_received++;
    return requested ? send_key_update(c, 0) : 0;
}

/* SIOCTTLSCTL RESET_WRITE_CIPHER: sends KeyUpdate (update_requested when request_update) and
 * moves our sending direction to the next key. FEATURE_UNAVAILABLE before TLS 1.3 is up. */
ZS_API int zs_key_update(zs_ctx *c, int request_update)
{
    if (!is_tls13(c)) {
        return MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE;
    }
    ACCT_BEGIN;
    int ret = zs_idle_wake(c);
    if (ret == 0) {
        ret = send_key_update(c, request_update);
    }
    ACCT_END(c);
    return ret;
}

/* SIOCTTLSCTL SEND_SESSION_TICKET: a TLS 1.3 server sends one more NewSessionTicket (mbedTLS
 * writes it: its ticket states run once more). FEATURE_UNAVAILABLE on a client, before TLS 1.3
 * is up, or without tickets configured. */
ZS_API int zs_send_ticket(zs_ctx *c)
{
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_SRV_C)
    mbedtls_ssl_context *ssl = &c->ssl;
    if (!is_tls13(c) || ssl->conf->endpoint != MBEDTLS_SSL_IS_SERVER || ssl->handshake == NULL ||
        ssl->conf->f_ticket_write == NULL || !mbedtls_ssl_tls13_is_some_psk_supported(ssl)) {
        return MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE;
    }
    ACCT_BEGIN;
    int ret = zs_idle_wake(c);
    if (ret == 0) {
        ret = mbedtls_ssl_flush_output(ssl);
    }
    if (ret == 0) {
        ssl->handshake->resume = 0; /* one ticket now, whatever the handshake was */
        ssl->handshake->new_session_tickets_count = 1;
        mbedtls_ssl_handshake_set_state(ssl, MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET);
        while (ret == 0 && ssl->state != MBEDTLS_SSL_HANDSHAKE_OVER) {
            ret = mbedtls_ssl_handshake_step(ssl);
        }
        if (ret == 0) {
            ret = mbedtls_ssl_flush_output(ssl);
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            ret = 0;
        }
    }
    ACCT_END(c);
    return ret;
#else
    (void) c;
    return MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE;
#endif
}

#else /* !MBEDTLS_SSL_PROTO_TLS1_3 */

int zs_post_key_update_received(zs_ctx *c)
{
    (void) c;
    return MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE;
}

ZS_API int zs_key_update(zs_ctx *c, int request_update)
{
    (void) c;
    (void) request_update;
    return MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE;
}

ZS_API int zs_send_ticket(zs_ctx *c)
{
    (void) c;
    return MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE;
}

#endif

/* KeyUpdate messages received so far. */
ZS_API uint32_t zs_key_updates_received(const zs_ctx *c)
{
    return c->key_updates_received;
}

/* A client's ClientHello that offers TLS 1.2 carries max_fragment_length when one is set
 * (zs_conf_max_frag_len), but mbedTLS 3.6 writes it with the TLS 1.2 extensions and does not
 * record it as sent: when a server then picks TLS 1.3 and echoes it in EncryptedExtensions (RFC
 * 8446 4.2 allows that; OpenSSL does), the client refuses its own extension with
 * unsupported_extension. Recorded here once the ClientHello is written: the TLS 1.3 code then
 * takes the echo (and ignores it), and the server keeps to the length it agreed to. */
static void note_mfl_sent(zs_ctx *c)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
    mbedtls_ssl_context *ssl = &c->ssl;
    mbedtls_ssl_handshake_params *hs = ssl->handshake;
    if (hs != NULL && ssl->conf->endpoint == MBEDTLS_SSL_IS_CLIENT &&
        ssl->conf->mfl_code != MBEDTLS_SSL_MAX_FRAG_LEN_NONE &&
        hs->min_tls_version <= MBEDTLS_SSL_VERSION_TLS1_2 &&
        ssl->state > MBEDTLS_SSL_CLIENT_HELLO) {
        hs->sent_extensions |= MBEDTLS_SSL_EXT_MASK(MAX_FRAGMENT_LENGTH);
    }
#else
    (void) c;
#endif
}

/* mbedtls_ssl_handshake, one step at a time: the TLS 1.3 ticket states come after
 * mbedtls_ssl_is_handshake_over() turns true, so the loop runs to HANDSHAKE_OVER itself. Pauses
 * (ZS_VERIFY_PENDING) right after a step in which the host's verify callback deferred. */
int zs_post_run_handshake(zs_ctx *c)
{
    int ret = 0;
    c->in_steps = 1;
    while (c->ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER) {
        ret = mbedtls_ssl_handshake_step(&c->ssl);
        zs_post_note_group(c);
        note_mfl_sent(c);
        if (ret != 0) {
            break;
        }
        if (c->verify_deferred) {
            ret = ZS_VERIFY_PENDING; /* nothing sent so far depends on the peer's identity */
            break;
        }
    }
    c->in_steps = 0;
    return ret;
}

/* Records the key-exchange group (IANA NamedGroup), and on a server whether it resumed, while
 * the handshake parameters exist: TLS 1.2 frees them in its last step. */
void zs_post_note_group(zs_ctx *c)
{
    const mbedtls_ssl_handshake_params *hs = c->ssl.handshake;
    if (hs == NULL) {
        return;
    }
    /* A server sets resume once it accepted a ticket or a cached session (TLS 1.2 and 1.3). */
    if (c->ssl.conf->endpoint == MBEDTLS_SSL_IS_SERVER && hs->resume) {
        c->resumed = 1;
    }
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (c->ssl.tls_version == MBEDTLS_SSL_VERSION_TLS1_3) {
        if (hs->offered_group_id != 0) {
            c->group = hs->offered_group_id;
        }
        return;
    }
#endif
#if !defined(MBEDTLS_USE_PSA_CRYPTO) && defined(MBEDTLS_KEY_EXCHANGE_SOME_ECDH_OR_ECDHE_1_2_ENABLED)
    mbedtls_ecp_group_id g = mbedtls_ecdh_get_grp_id((mbedtls_ecdh_context *) &hs->ecdh_ctx);
    if (g != MBEDTLS_ECP_DP_NONE) {
        c->group = mbedtls_ssl_get_tls_id_from_ecp_group_id(g);
    }
#endif
}

/* Server: 1 when the handshake resumed a session (ticket or cache), else 0. */
ZS_API int zs_resumed(const zs_ctx *c)
{
    return c->resumed;
}

/* The key-exchange group of the handshake (IANA NamedGroup: 23 secp256r1, 24 secp384r1,
 * 29 x25519); 0 when none (plain PSK) or not known yet. */
ZS_API int zs_group(const zs_ctx *c)
{
    return c->group;
}

/* The host's verify callback deferred its answer; the handshake resumes with the flags it gives
 * now (0: accept). Under VERIFY_REQUIRED, non-zero flags fail the handshake with a
 * bad_certificate alert (X509_CERT_VERIFY_FAILED); otherwise they are recorded. */
ZS_API int zs_verify_resume(zs_ctx *c, uint32_t flags)
{
    mbedtls_ssl_context *ssl = &c->ssl;
    if (!c->verify_deferred) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    c->verify_deferred = 0;
    if (flags == 0) {
        return 0;
    }
    if (ssl->session_negotiate != NULL) {
        ssl->session_negotiate->verify_result |= flags;
    }
    int authmode = ssl->conf->authmode;
#if defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)
    if (ssl->handshake != NULL && ssl->handshake->sni_authmode != MBEDTLS_SSL_VERIFY_UNSET) {
        authmode = ssl->handshake->sni_authmode;
    }
#endif
    if (authmode != MBEDTLS_SSL_VERIFY_REQUIRED) {
        return 0;
    }
    ACCT_BEGIN;
    mbedtls_ssl_send_alert_message(ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL, MBEDTLS_SSL_ALERT_MSG_BAD_CERT);
    ACCT_END(c);
    c->verify_failed = 1;
    return MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
}

/* Frees what the shim added to a context. */
void zs_post_free(zs_ctx *c)
{
    mbedtls_ssl_transform *t[2] = { c->ku_in, c->ku_out };
    for (int i = 0; i < 2; i++) {
        if (t[i] != NULL) {
            mbedtls_ssl_transform_free(t[i]);
            mbedtls_free(t[i]);
        }
    }
    c->ku_in = c->ku_out = NULL;
}
