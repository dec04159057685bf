/*
 * zsock core: a small sans-IO API over mbedTLS 3.6.
 *
 * A context never touches a network, a clock or a source of entropy by itself:
 *  - I/O: before each driving call the caller lends the context two windows of memory
 *    (zs_io): ciphertext received (in) and room for ciphertext to send (out). mbedTLS's BIO
 *    callbacks read and write those windows and answer WANT_READ / WANT_WRITE at their ends.
 *    For datagram transports both windows hold frames of [u32 little-endian length][bytes].
 *  - Time: the caller passes the time (zs_clock) and asks for the next timer deadline.
 *  - Entropy: one host import, zs_host_random.
 * Memory comes from one arena (zs_arena.c's allocator); each context counts the arena bytes
 * it holds now and at its peak, so RAM per TLS context is measured, not guessed.
 */
#ifndef ZS_H
#define ZS_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/ssl_cookie.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/x509_crt.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define ZS_API EMSCRIPTEN_KEEPALIVE
#define ZS_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))
#else
#define ZS_API
#define ZS_IMPORT(name)
#endif

#define ZS_MAX_OWN_CERTS 2
#define ZS_MAX_ALPN 8
#define ZS_FRAME_HDR 4 /* datagram frame header in the I/O windows */
#define ZS_KEYLOG_CAP 1024 /* key log lines kept per context: a handshake's four, with room */

/* What the host holds by handle and contexts share (zs_srv, zs_cred; the first member of each):
 * the owner's reference and one per context configured with it, on a list of live objects, so a
 * stale or forged handle from the host is refused without being read through (wasm/zs_shared.c). */
typedef struct zs_shared {
    struct zs_shared *next;
    uint32_t refs;
    int owned;                     /* the owner's reference is still held (freed by it once) */
} zs_shared;

/* Shared server state: ticket keys, session cache and cookie key, one per listening socket.
 * Reference-counted: the owner (the listener) holds one reference and every context configured
 * with it (zs_conf_server) holds one, so a session never outlives the keys it issues tickets,
 * cookies and cache entries with, whatever order the host frees them in. */
typedef struct zs_srv {
    zs_shared sh;
    mbedtls_ssl_ticket_context tickets;
    mbedtls_ssl_cache_context cache;
    mbedtls_ssl_cookie_ctx cookies;
} zs_srv;

/* Parsed credentials shared by contexts: a CA chain and/or own certificate + key pairs, parsed
 * (and each pair checked) once. Reference-counted as zs_srv: the owner holds one reference and
 * each context configured with it (zs_conf_cred) one, since mbedTLS's config keeps pointers into
 * it. Frozen once a context uses it: the chain a live handshake walks never changes under it. */
typedef struct zs_cred {
    zs_shared sh;                  /* a context's own set (private_) is on no list */
    mbedtls_x509_crt ca;
    mbedtls_x509_crt own_crt[ZS_MAX_OWN_CERTS];
    mbedtls_pk_context own_key[ZS_MAX_OWN_CERTS];
    int n_own;
    int has_ca;
    int frozen;                    /* a context points into it: nothing more may be added */
    int private_;                  /* one context's own (zs_conf_ca/own_cert): never shared */
} zs_cred;

typedef struct zs_ctx {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    int *suites;                   /* 0-terminated copy; mbedTLS keeps the pointer */
    uint16_t *groups;              /* 0-terminated copy, the same way */
    const char *alpn[ZS_MAX_ALPN + 1];
    char *alpn_buf;
    unsigned char *transport_id;   /* DTLS server: the client's address, for cookies */
    size_t transport_id_len;
    int id;                        /* the host's handle, passed to zs_host_verify */
    int dgram;                     /* DTLS: the I/O windows hold framed datagrams */
    zs_srv *srv;                   /* server: the shared state this context holds a reference to */
    zs_cred *cred;                 /* parsed credentials this context holds a reference to:
                                      shared (zs_conf_cred) or its own (zs_conf_ca/own_cert) */
    int verify_cb;
    int is_setup;

    /* I/O windows lent by the caller for one driving call */
    const unsigned char *in;
    uint32_t in_len, in_used;
    unsigned char *out;
    uint32_t out_cap, out_len;
    int eof;                       /* the transport closed: recv answers 0 once input is used up */

    /* DTLS timer, in the caller's milliseconds */
    double timer_start;
    uint32_t timer_int, timer_fin;

    /* after the handshake (zs_post.c) */
    void *ku_in, *ku_out;          /* transforms made by KeyUpdates (owned by the shim) */
    uint32_t key_updates_received;
    uint16_t group;                /* IANA NamedGroup of the key exchange */
    int resumed;                   /* server: a session was resumed */
    int in_steps;                  /* inside zs_handshake's step loop: a verify may defer */
    int verify_deferred;           /* the host's verify callback has not answered yet */
    int verify_failed;             /* a deferred answer rejected the peer */
    int arena_short;               /* the arena refused an allocation during the handshake */
    struct zs_keylog *keylog;      /* key log lines not yet taken (zs_keylog.c); NULL: off */
    unsigned char *peer_der;       /* TLS 1.3, once established: the peer's leaf (zs_idle.c) */
    uint32_t peer_der_len;

    /* arena accounting */
    int64_t mem_cur;
    int64_t mem_peak;
} zs_ctx;

/* zs_shared.c: a new object with its owner's reference, put on `live`; whether a handle is on
 * `live` (compared, never read through); live and still held by its owner; drop a reference (1
 * when that was the last: the object is off `live`, for the caller to wipe and free); take an
 * object off `live`. */
void zs_shared_add(zs_shared **live, zs_shared *s);
int zs_shared_live(zs_shared *const *live, const void *h);
int zs_shared_held(zs_shared *const *live, const void *h);
int zs_shared_release(zs_shared **live, zs_shared *s);
void zs_shared_unlink(zs_shared **live, zs_shared *s);
/* zs_srv.c: whether a handle is a live shared server state (never reads through it); drops a
 * context's reference (zs_free, after the session that uses it). */
int zs_srv_live(const zs_srv *s);
void zs_srv_release(zs_srv *s);

/* zs_cred.c: drops a context's reference (zs_free, after the config that points into it);
 * the empty CA chain a context starts with (never written: shared by all). */
void zs_cred_release(zs_cred *k);
mbedtls_x509_crt *zs_cred_no_ca(void);

/* zs_platform.c */
extern double zs_now_ms;
void zs_acct_begin(int64_t *u0);
void zs_acct_end(zs_ctx *c, int64_t u0);
int zs_rng(void *p, unsigned char *out, size_t len);
size_t zs_arena_used_bytes(void);

/* zs_arena.c: mbedTLS's calloc and free over one region; bytes and blocks in use include
 * each block's header */
void zs_arena_init(void *region, size_t len);
void *zs_arena_calloc(size_t n, size_t each);
void zs_arena_free(void *p);
void zs_arena_usage(size_t *used, size_t *blocks, size_t *peak);
void zs_arena_peak_reset(void);
uint32_t zs_arena_refused(void); /* callocs that returned NULL since zs_init */

/* zs_host_ecc.c, host profile: the IANA NamedGroup of a NIST curve the host serves, else 0 */
int zs_host_group(const mbedtls_ecp_group *grp);

/* zs_post.c */
#define ZS_VERIFY_DEFER 1          /* zs_host_verify: the answer comes later (zs_verify_resume) */
#define ZS_VERIFY_PENDING 1        /* zs_handshake: paused until zs_verify_resume */
int zs_post_run_handshake(zs_ctx *c);
int zs_post_key_update_received(zs_ctx *c);
void zs_post_note_group(zs_ctx *c);
void zs_post_free(zs_ctx *c);

/* zs_keylog.c */
void zs_keylog_free(zs_ctx *c);

/* zs_bufs.c: full-size record buffers before a driving call; small ones while idle after it */
int zs_bufs_full(zs_ctx *c);
void zs_bufs_idle(zs_ctx *c);

/* zs_idle.c: after a driving call, what an established context no longer needs is freed;
 * before one, what a post-handshake message needs is made again */
void zs_idle_trim(zs_ctx *c);
int zs_idle_wake(zs_ctx *c);

/* Host imports (the board provides them). */
ZS_IMPORT(zs_host_random) int zs_host_random(unsigned char *out, size_t len);
ZS_IMPORT(zs_host_verify) int zs_host_verify(int id, int depth, const unsigned char *der,
                                             size_t der_len, uint32_t *flags);

#endif
