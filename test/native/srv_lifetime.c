/*
 * The lifetime of shared server state (zs_srv) and shared parsed credentials (zs_cred),
 * natively, under AddressSanitizer.
 *
 * Built by `make test-native` with gcc -fsanitize=address,undefined and ZS_SYSTEM_ALLOC, so
 * mbedTLS allocates from the C library and every block is checked. Each case is one of the
 * sequences the socket layer can produce (a listener closed with a child mid-handshake, a new
 * listener taking its place, TLS_SESSION_CACHE_PURGE and RESET_SESSION while sessions run, a
 * ticket asked for after RESET_SESSION); a use-after-free aborts the run with ASan's report.
 * Also the key log a context keeps (wasm/zs_keylog.c): taken through short buffers, freed full.
 * Usage: srv_lifetime CERTS_DIR. Prints one line per case; exit 0 when all pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "zs.h"

/* The shim's API (wasm/zs_*.c); zs.h declares only what the shim shares internally. */
int zs_init(uint32_t size);
zs_ctx *zs_new(int id, int server, int dgram, int min_ver, int max_ver);
void zs_free(zs_ctx *c);
int zs_conf_ca(zs_ctx *c, const unsigned char *buf, size_t len);
int zs_conf_own_cert(zs_ctx *c, const unsigned char *crt, size_t crt_len, const unsigned char *key,
                     size_t key_len);
void zs_conf_tickets(zs_ctx *c, int on);
int zs_conf_server(zs_ctx *c, zs_srv *s, int flags);
zs_srv *zs_srv_new(uint32_t ticket_lifetime_s);
int zs_srv_free(zs_srv *s);
uint32_t zs_srv_refs(const zs_srv *s);
zs_cred *zs_cred_new(void);
int zs_cred_add_ca(zs_cred *k, const unsigned char *buf, size_t len);
int zs_cred_add_own(zs_cred *k, const unsigned char *crt, size_t crt_len, const unsigned char *key,
                    size_t key_len);
int zs_cred_free(zs_cred *k);
uint32_t zs_cred_refs(const zs_cred *k);
int zs_conf_cred(zs_ctx *c, zs_cred *k);
int zs_setup(zs_ctx *c);
int zs_set_hostname(zs_ctx *c, const char *name);
int zs_session_load(zs_ctx *c, const unsigned char *buf, size_t len);
int zs_session_save(zs_ctx *c, unsigned char *buf, size_t cap, size_t *olen);
void zs_io(zs_ctx *c, const unsigned char *in, uint32_t in_len, unsigned char *out, uint32_t cap);
uint32_t zs_io_in_used(const zs_ctx *c);
uint32_t zs_io_out_len(const zs_ctx *c);
int zs_handshake(zs_ctx *c);
int zs_read(zs_ctx *c, unsigned char *buf, size_t len);
int zs_send_ticket(zs_ctx *c);
int zs_resumed(const zs_ctx *c);
void zs_clock(double now_ms);
int zs_keylog(zs_ctx *c, int on);
uint32_t zs_keylog_take(zs_ctx *c, unsigned char *buf, uint32_t cap);

int zs_host_random(unsigned char *out, size_t len)
{
    return getrandom(out, len, 0) == (ssize_t) len ? 0 : -1;
}

int zs_host_verify(int id, int depth, const unsigned char *der, size_t der_len, uint32_t *flags)
{
    (void) id; (void) depth; (void) der; (void) der_len; (void) flags;
    return 0;
}

/* ---- an in-memory link: one byte queue per direction ------------------------------------- */

typedef struct { unsigned char b[1 << 16]; uint32_t len; } queue;
static queue c2s, s2c;
static unsigned char win[1 << 16];
static unsigned char *ca, *crt, *key, *other_key;
static size_t ca_len, crt_len, key_len, other_key_len;
static int failures;

#define CHECK(cond, what) do { if (!(cond)) { printf("  FAIL %s (line %d)\n", what, __LINE__); failures++; } } while (0)

/* One driving call: input from `in`, output appended to `out`. */
static int drive(zs_ctx *c, queue *in, queue *out, int op)
{
    unsigned char buf[256];
    zs_io(c, in->b, in->len, win, sizeof(win));
    int r = op == 0 ? zs_handshake(c) : op == 1 ? zs_read(c, buf, sizeof(buf)) : zs_send_ticket(c);
    uint32_t used = zs_io_in_used(c), made = zs_io_out_len(c);
    memmove(in->b, in->b + used, in->len - used);
    in->len -= used;
    memcpy(out->b + out->len, win, made);
    out->len += made;
    return r;
}

/* A server with its own parse of the certificate and key, or with shared credentials `k`. */
static zs_ctx *server_with(zs_srv *srv, zs_cred *k)
{
    zs_ctx *c = zs_new(2, 1, 0, 0x0304, 0x0304);
    if (c == NULL || (k ? zs_conf_cred(c, k) : zs_conf_own_cert(c, crt, crt_len, key, key_len)) != 0 ||
        zs_conf_server(c, srv, 1 | 2) != 0 || zs_setup(c) != 0) {
        fprintf(stderr, "srv_lifetime: server setup failed\n");
        exit(3);
    }
    return c;
}

static zs_ctx *server(zs_srv *srv)
{
    return server_with(srv, NULL);
}

static zs_ctx *client_with(const unsigned char *session, size_t session_len, zs_cred *k)
{
    zs_ctx *c = zs_new(1, 0, 0, 0x0304, 0x0304);
    if (c == NULL || (k ? zs_conf_cred(c, k) : zs_conf_ca(c, ca, ca_len)) != 0) {
        exit(3);
    }
    zs_conf_tickets(c, 1);
    if (zs_setup(c) != 0 || zs_set_hostname(c, "localhost") != 0 ||
        (session != NULL && zs_session_load(c, session, session_len) != 0)) {
        fprintf(stderr, "srv_lifetime: client setup failed\n");
        exit(3);
    }
    return c;
}

static zs_ctx *client(const unsigned char *session, size_t session_len)
{
    return client_with(session, session_len, NULL);
}

/* Steps both sides `rounds` times (0: until both are done); 0 when both are established. */
static int handshake(zs_ctx *cl, zs_ctx *sv, int rounds)
{
    int rc = 1, rs = 1;
    for (int i = 0; (rounds == 0 || i < rounds) && i < 50 && (rc != 0 || rs != 0); i++) {
        if (rc) rc = drive(cl, &s2c, &c2s, 0);
        if (rs) rs = drive(sv, &c2s, &s2c, 0);
        if ((rc < 0 && rc != MBEDTLS_ERR_SSL_WANT_READ) || (rs < 0 && rs != MBEDTLS_ERR_SSL_WANT_READ)) {
            printf("  handshake: client -0x%04x server -0x%04x\n", (unsigned) -rc, (unsigned) -rs);
            return -1;
        }
    }
    return rc == 0 && rs == 0 ? 0 : 1;
}

/* The client reads what the server sent after the handshake: the tickets it was told of.
 * (Here mbedTLS 3.6 drops the handshake's own ticket unsignalled, as a zero-lifetime one; one
 * sent on demand is signalled, so the cases count those.) */
static int take_tickets(zs_ctx *cl)
{
    int tickets = 0;
    for (int r = drive(cl, &s2c, &c2s, 1); r != MBEDTLS_ERR_SSL_WANT_READ; r = drive(cl, &s2c, &c2s, 1)) {
        if (r != MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            printf("  read: -0x%04x\n", (unsigned) -r);
            return -1;
        }
        tickets++;
    }
    return tickets;
}

static void reset_link(void)
{
    c2s.len = s2c.len = 0;
}

/* A listener closed while a child is mid-handshake; a new listener takes its place (its state
 * may land at the same address). The child finishes, issues its ticket under the old key, and
 * that ticket does not resume at the new listener. */
static void listener_closed_mid_handshake(void)
{
    puts("listener closed with a child mid-handshake, new listener in its place");
    reset_link();
    zs_srv *old = zs_srv_new(3600);
    zs_ctx *sv = server(old), *cl = client(NULL, 0);
    CHECK(zs_srv_refs(old) == 2, "the child holds a reference");
    CHECK(handshake(cl, sv, 1) == 1, "handshake under way");
    CHECK(zs_srv_free(old) == 0, "the owner lets go");
    CHECK(zs_srv_refs(old) == 1, "the child keeps the state alive");
    zs_srv *fresh = zs_srv_new(3600);
    CHECK(handshake(cl, sv, 0) == 0, "the orphaned child finishes its handshake");
    CHECK(take_tickets(cl) >= 0, "the handshake's own ticket is read");
    CHECK(drive(sv, &c2s, &s2c, 2) == 0, "it issues a ticket with the released state");
    CHECK(take_tickets(cl) == 1, "its ticket arrives");
    unsigned char saved[2048];
    size_t saved_len = 0;
    CHECK(zs_session_save(cl, saved, sizeof(saved), &saved_len) == 0, "session saved");
    zs_free(cl);
    zs_free(sv);
    CHECK(zs_srv_refs(old) == 0, "the last session freed the old state");
    CHECK(zs_srv_free(old) == -1, "a stale handle is refused");
    reset_link();
    zs_ctx *sv2 = server(fresh), *cl2 = client(saved, saved_len);
    CHECK(handshake(cl2, sv2, 0) == 0, "handshake with the new listener");
    CHECK(zs_resumed(sv2) == 0, "the old ticket does not resume under the new key");
    zs_free(cl2);
    zs_free(sv2);
    CHECK(zs_srv_refs(fresh) == 1, "the new listener's state has only its owner");
    CHECK(zs_srv_free(fresh) == 0, "freed");
}

/* TLS_SESSION_CACHE_PURGE / RESET_SESSION: the state is replaced while an established session
 * uses it; that session then sends a ticket on demand (SEND_SESSION_TICKET). */
static void ticket_after_reset(void)
{
    puts("RESET_SESSION then SEND_SESSION_TICKET on a live connection");
    reset_link();
    zs_srv *st = zs_srv_new(3600);
    zs_ctx *sv = server(st), *cl = client(NULL, 0);
    CHECK(handshake(cl, sv, 0) == 0, "established");
    CHECK(take_tickets(cl) >= 0, "the handshake's own ticket is read");
    CHECK(zs_srv_free(st) == 0, "the state is replaced (purge)");
    CHECK(drive(sv, &c2s, &s2c, 2) == 0, "a ticket on demand still works");
    CHECK(take_tickets(cl) == 1, "and arrives");
    zs_free(cl);
    zs_free(sv);
    CHECK(zs_srv_refs(st) == 0, "freed with its last session");
}

/* Handles that are not live states are refused, never dereferenced. */
static void bad_handles(void)
{
    puts("bad handles");
    zs_srv *st = zs_srv_new(60);
    zs_ctx *c = zs_new(2, 1, 0, 0x0304, 0x0304);
    CHECK(zs_conf_server(c, (zs_srv *) (void *) &c2s, 1) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "a forged handle");
    CHECK(zs_conf_server(c, NULL, 1) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "NULL");
    CHECK(zs_conf_server(c, st, 1) == 0, "a live one");
    CHECK(zs_conf_server(c, st, 1) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "a second state on one context");
    CHECK(zs_srv_refs(st) == 2, "one reference taken, not two");
    CHECK(zs_srv_free(st) == 0, "the owner lets go");
    CHECK(zs_srv_free(st) == -1, "the owner lets go twice: refused, the context keeps its reference");
    CHECK(zs_srv_refs(st) == 1, "still held by the context");
    zs_ctx *late = zs_new(2, 1, 0, 0x0304, 0x0304);
    CHECK(zs_conf_server(late, st, 1) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "a released state for a new session");
    zs_free(late);
    zs_free(c);
    CHECK(zs_srv_free(st) == -1, "freed twice");
    CHECK(zs_srv_refs(NULL) == 0, "NULL has no references");
}

/* One set of credentials (CA chain and server pair) shared by two clients and two servers; its
 * owner lets go mid-handshake; the sessions finish on it and the last one frees it. */
static void shared_credentials(void)
{
    puts("credentials shared by four contexts, let go by their owner mid-handshake");
    zs_cred *k = zs_cred_new();
    CHECK(zs_cred_add_ca(k, ca, ca_len) == 0, "CA chain parsed");
    CHECK(zs_cred_add_own(k, crt, crt_len, key, key_len) == 0, "pair parsed and checked");
    zs_srv *st = zs_srv_new(60);
    zs_ctx *cl[2], *sv[2];
    for (int i = 0; i < 2; i++) {
        cl[i] = client_with(NULL, 0, k);
        sv[i] = server_with(st, k);
    }
    CHECK(zs_cred_refs(k) == 5, "the owner and four contexts");
    CHECK(zs_cred_add_ca(k, ca, ca_len) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "frozen once in use");
    reset_link();
    CHECK(handshake(cl[0], sv[0], 1) == 1, "a handshake under way");
    CHECK(zs_cred_free(k) == 0, "the owner lets go");
    CHECK(zs_cred_free(k) == -1, "and cannot twice");
    zs_ctx *late = zs_new(1, 0, 0, 0x0304, 0x0304);
    CHECK(zs_conf_cred(late, k) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "released credentials for a new context");
    zs_free(late);
    CHECK(handshake(cl[0], sv[0], 0) == 0, "the first pair finishes on them");
    zs_free(cl[0]);
    zs_free(sv[0]);
    reset_link();
    CHECK(handshake(cl[1], sv[1], 0) == 0, "the second pair verifies and signs with them too");
    CHECK(zs_cred_refs(k) == 2, "held by the last two");
    zs_free(cl[1]);
    zs_free(sv[1]);
    CHECK(zs_cred_refs(k) == 0 && zs_cred_free(k) == -1, "freed with the last; the stale handle refused");
    CHECK(zs_srv_free(st) == 0, "server state freed");
}

/* Forged, NULL and stale credential handles, bad buffers and a key of another certificate are
 * refused without reading through the handle, and leave the credentials as they were. */
static void bad_credentials(void)
{
    puts("bad credential handles and contents");
    zs_ctx *c = zs_new(2, 1, 0, 0x0304, 0x0304);
    zs_cred *forged = (zs_cred *) (void *) &c2s;
    CHECK(zs_conf_cred(c, forged) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "a forged handle");
    CHECK(zs_conf_cred(c, NULL) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "NULL");
    CHECK(zs_cred_add_ca(forged, ca, ca_len) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "adding to a forged handle");
    CHECK(zs_cred_free(forged) == -1 && zs_cred_refs(forged) == 0, "freeing a forged handle");
    zs_cred *k = zs_cred_new();
    CHECK(zs_cred_add_ca(k, NULL, 10) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "no buffer");
    CHECK(zs_cred_add_ca(k, ca, 0) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "an empty buffer");
    CHECK(zs_cred_add_ca(k, ca, ca_len / 2) < 0, "half a certificate");
    CHECK(zs_cred_add_own(k, crt, crt_len, other_key, other_key_len) < 0, "the key of another certificate");
    CHECK(zs_cred_add_own(k, crt, crt_len, key, key_len) == 0, "then the right one");
    CHECK(zs_cred_add_own(k, crt, crt_len, key, key_len) == 0, "a second pair");
    CHECK(zs_cred_add_own(k, crt, crt_len, key, key_len) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "no third");
    CHECK(zs_conf_cred(c, k) == 0, "a live one");
    CHECK(zs_conf_cred(c, k) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "a second set on one context");
    CHECK(zs_conf_ca(c, ca, ca_len) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "own CAs beside a shared set");
    zs_ctx *own = zs_new(1, 0, 0, 0x0304, 0x0304);
    CHECK(zs_conf_ca(own, ca, ca_len) == 0, "a context's own chain");
    CHECK(zs_conf_cred(own, k) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "a shared set beside its own");
    zs_free(own);
    CHECK(zs_cred_refs(k) == 2, "one reference taken, not two");
    CHECK(zs_cred_free(k) == 0, "the owner lets go");
    zs_free(c);
    CHECK(zs_cred_free(k) == -1 && zs_cred_refs(k) == 0, "freed once only");
}

static int lines_in(const unsigned char *b, uint32_t n)
{
    int lines = 0;
    for (uint32_t i = 0; i < n; i++) {
        lines += b[i] == '\n';
    }
    return lines;
}

/* The key log: whole lines only through a short buffer, nothing left once taken; a context freed
 * with lines still kept (ASan: the block freed once, nothing read past it; LeakSanitizer: none
 * left behind), and key logging turned off on the other. */
static void keylog_lines(void)
{
    puts("key log: whole lines through short buffers; a context freed with its lines kept");
    reset_link();
    zs_srv *st = zs_srv_new(60);
    zs_ctx *sv = server(st), *cl = client(NULL, 0);
    CHECK(zs_keylog(cl, 1) == 0 && zs_keylog(cl, 1) == 0 && zs_keylog(sv, 1) == 0, "on (twice is once)");
    CHECK(handshake(cl, sv, 0) == 0, "established");
    unsigned char buf[1024];
    CHECK(zs_keylog_take(cl, buf, 16) == 0, "no whole line fits in 16 bytes: none taken");
    uint32_t n = zs_keylog_take(cl, buf, 200);
    CHECK(n > 100 && lines_in(buf, n) == 1 && buf[n - 1] == '\n', "one whole line fits in 200");
    CHECK(memcmp(buf, "CLIENT_HANDSHAKE_TRAFFIC_SECRET ", 32) == 0, "the first secret derived comes first");
    n = zs_keylog_take(cl, buf, sizeof(buf));
    CHECK(lines_in(buf, n) == 3 && buf[n - 1] == '\n', "the other three");
    CHECK(zs_keylog_take(cl, buf, sizeof(buf)) == 0, "then nothing");
    CHECK(zs_keylog(cl, 0) == 0 && zs_keylog_take(cl, buf, sizeof(buf)) == 0, "off");
    zs_free(sv); /* four lines still kept */
    zs_free(cl);
    CHECK(zs_srv_free(st) == 0, "freed");
}

static unsigned char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "srv_lifetime: cannot read %s\n", path);
        exit(2);
    }
    unsigned char *b = malloc(1 << 16);
    *len = fread(b, 1, 1 << 16, f);
    fclose(f);
    return b;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: srv_lifetime CERTS_DIR\n");
        return 2;
    }
    ca = slurp(argv[1], "ca.crt.der", &ca_len);
    crt = slurp(argv[1], "server-ec.crt.der", &crt_len);
    key = slurp(argv[1], "server-ec.key.der", &key_len);
    other_key = slurp(argv[1], "other-server.key.der", &other_key_len);
    if (zs_init(1u << 20) != 0) {
        return 3;
    }
    zs_clock((double) time(NULL) * 1000.0); /* the test certificates are valid from today */
    listener_closed_mid_handshake();
    ticket_after_reset();
    bad_handles();
    keylog_lines();
    shared_credentials();
    bad_credentials();
    free(ca);
    free(other_key);
    free(crt);
    free(key);
    printf("srv_lifetime: %s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
