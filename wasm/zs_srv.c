/*
 * Server state shared by the sessions of one listening socket (zs_srv, zs.h): ticket keys, a
 * session cache and a cookie key, reference-counted so a session never outlives the keys it
 * issues tickets, cookies and cache entries with, whatever order the host frees them in.
 */
#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"
#include "zs.h"

/* Live states, newest first (zs_shared.c: a handle is checked here before use). */
static zs_shared *live_srvs;

int zs_srv_free(zs_srv *s);

int zs_srv_live(const zs_srv *s)
{
    return zs_shared_live(&live_srvs, s);
}

/* A ticket key (lifetime in seconds), a session cache and a cookie key, with one reference for
 * the caller. NULL when out of arena. */
ZS_API zs_srv *zs_srv_new(uint32_t ticket_lifetime_s)
{
    zs_srv *s = mbedtls_calloc(1, sizeof(*s));
    if (s == NULL) {
        return NULL;
    }
    mbedtls_ssl_ticket_init(&s->tickets);
    mbedtls_ssl_cache_init(&s->cache);
    mbedtls_ssl_cookie_init(&s->cookies);
    zs_shared_add(&live_srvs, &s->sh);
    if (mbedtls_ssl_ticket_setup(&s->tickets, zs_rng, NULL, MBEDTLS_CIPHER_AES_256_GCM,
                                 ticket_lifetime_s) != 0 ||
        mbedtls_ssl_cookie_setup(&s->cookies, zs_rng, NULL) != 0) {
        zs_srv_free(s);
        return NULL;
    }
    return s;
}

/* Drops one reference; the last one wipes the keys and the cache and frees the state. */
void zs_srv_release(zs_srv *s)
{
    if (!zs_shared_release(&live_srvs, &s->sh)) {
        return;
    }
    mbedtls_ssl_ticket_free(&s->tickets);
    mbedtls_ssl_cache_free(&s->cache);
    mbedtls_ssl_cookie_free(&s->cookies);
    mbedtls_platform_zeroize(s, sizeof(*s));
    mbedtls_free(s);
}

/* The owner lets the state go: contexts still configured with it keep it until they are freed.
 * -1 for a handle that is not a live state or whose owner let go already, 0 otherwise. */
ZS_API int zs_srv_free(zs_srv *s)
{
    if (!zs_shared_held(&live_srvs, s)) {
        return -1;
    }
    s->sh.owned = 0;
    zs_srv_release(s);
    return 0;
}

/* The number of references to a live state (the owner's and its contexts'); 0 for a bad handle. */
ZS_API uint32_t zs_srv_refs(const zs_srv *s)
{
    return zs_srv_live(s) ? s->sh.refs : 0;
}

/* Server: use the shared state (the context takes a reference until zs_free). flags: 1
 * tickets, 2 session cache, 4 DTLS cookies. MBEDTLS_ERR_SSL_BAD_INPUT_DATA for a state that is
 * not live or that its owner let go (new sessions get the owner's new state), or a context
 * already given one. */
ZS_API int zs_conf_server(zs_ctx *c, zs_srv *s, int flags)
{
    if (!zs_shared_held(&live_srvs, s) || c->srv != NULL) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    s->sh.refs++;
    c->srv = s;
    if (flags & 1) {
        mbedtls_ssl_conf_session_tickets_cb(&c->conf, mbedtls_ssl_ticket_write,
                                            mbedtls_ssl_ticket_parse, &s->tickets);
    }
    if (flags & 2) {
        mbedtls_ssl_conf_session_cache(&c->conf, &s->cache, mbedtls_ssl_cache_get,
                                       mbedtls_ssl_cache_set);
    }
    if (flags & 4) {
        mbedtls_ssl_conf_dtls_cookies(&c->conf, mbedtls_ssl_cookie_write,
                                      mbedtls_ssl_cookie_check, &s->cookies);
    }
    return 0;
}
