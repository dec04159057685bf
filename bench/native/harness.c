/*
 * The native peer of the benchmarks: our same C shim over mbedTLS, built with gcc -O2 for this
 * machine, driven exactly as src/tls drives the wasm core (windows lent per call, both ends in
 * memory). It is the physical limit for the core: what the wasm build is measured against.
 *
 *   harness CERTS_DIR handshake KIND N [ROUNDS]  KIND: tls12-p256 tls13-p256 tls13-x25519 resumed dtls12
 *   harness CERTS_DIR bulk SUITE MBYTES          SUITE: aes128gcm chacha20
 *
 * Prints one JSON object per run: {"kind":..., "ms":[...]} or {"suite":..., "mbps":...}. With
 * ROUNDS, one per round of N handshakes, each started by a line read from stdin: the bench
 * drives one process per row in step with its own rounds, instead of forking itself once per
 * round (after a fork its pages are copy-on-write, and its next rounds paid the faults).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include "zs.h"

/* The shim's exports (ZS_API functions). */
int zs_init(uint32_t size);
zs_ctx *zs_new(int id, int server, int dgram, int min_ver, int max_ver);
void zs_free(zs_ctx *c);
int zs_conf_ciphersuites(zs_ctx *c, const int *ids, int n);
int zs_conf_groups(zs_ctx *c, const int *ids, int n);
void zs_conf_tickets(zs_ctx *c, int on);
void zs_conf_server(zs_ctx *c, zs_srv *s, int flags);
zs_srv *zs_srv_new(uint32_t ticket_lifetime_s);
void zs_srv_free(zs_srv *s);
zs_cred *zs_cred_new(void);
int zs_cred_add_ca(zs_cred *k, const unsigned char *buf, size_t len);
int zs_cred_add_own(zs_cred *k, const unsigned char *crt, size_t crt_len, const unsigned char *key, size_t key_len);
int zs_conf_cred(zs_ctx *c, zs_cred *k);
int zs_setup(zs_ctx *c);
int zs_set_hostname(zs_ctx *c, const char *name);
int zs_set_transport_id(zs_ctx *c, const unsigned char *id, size_t len);
int zs_session_load(zs_ctx *c, const unsigned char *buf, size_t len);
int zs_session_save(zs_ctx *c, unsigned char *buf, size_t cap, size_t *olen);
void zs_io(zs_ctx *c, const unsigned char *in, uint32_t in_len, unsigned char *out, uint32_t out_cap);
uint32_t zs_io_in_used(const zs_ctx *c);
uint32_t zs_io_out_len(const zs_ctx *c);
int zs_handshake(zs_ctx *c);
int zs_resumed(const zs_ctx *c);
int zs_read(zs_ctx *c, unsigned char *buf, size_t len);
int zs_write(zs_ctx *c, const unsigned char *buf, size_t len);
void zs_clock(double now_ms);

/* Host imports, as a board provides them. */
int zs_host_random(unsigned char *out, size_t len)
{
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n <= 0) {
            return -1;
        }
        out += n;
        len -= (size_t) n;
    }
    return 0;
}

int zs_host_verify(int id, int depth, const unsigned char *der, size_t der_len, uint32_t *flags)
{
    (void) id; (void) depth; (void) der; (void) der_len; (void) flags;
    return 0;
}

/* ---- a byte queue per direction -------------------------------------------------------- */

#define QCAP (1u << 20)
typedef struct { unsigned char *b; uint32_t len; } queue;

static void q_take(queue *q, uint32_t n)
{
    memmove(q->b, q->b + n, q->len - n);
    q->len -= n;
}

static unsigned char outwin[1u << 17];

/* One driving call with windows lent: input from `in`, output appended to `out`. */
static int drive(zs_ctx *c, queue *in, queue *out, int (*op)(zs_ctx *, unsigned char *, size_t),
                 unsigned char *buf, size_t len)
{
    zs_io(c, in->b, in->len, outwin, sizeof(outwin));
    int r = op(c, buf, len);
    q_take(in, zs_io_in_used(c));
    uint32_t produced = zs_io_out_len(c);
    memcpy(out->b + out->len, outwin, produced);
    out->len += produced;
    return r;
}

static int op_handshake(zs_ctx *c, unsigned char *b, size_t n) { (void) b; (void) n; return zs_handshake(c); }
static int op_read(zs_ctx *c, unsigned char *b, size_t n) { return zs_read(c, b, n); }
static int op_write(zs_ctx *c, unsigned char *b, size_t n) { return zs_write(c, b, n); }

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* CPU time of this process: robust on a shared machine, and what the wasm side reports too. */
static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double wall_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static unsigned char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "harness: cannot read %s\n", path);
        exit(2);
    }
    unsigned char *b = malloc(1 << 16);
    *len = fread(b, 1, 1 << 16, f);
    fclose(f);
    return b;
}

static unsigned char *ca, *crt, *key;
static size_t ca_len, crt_len, key_len;
static queue c2s, s2c;
static zs_srv *srv;
/* The credentials, parsed once and shared by every context, as zsock's sessions share theirs
 * (src/tls/cred_cache.ts): both sides of a ratio do the same work per handshake. */
static zs_cred *ca_set, *own_set;

static zs_cred *cred_set(int own)
{
    zs_cred **set = own ? &own_set : &ca_set;
    if (*set == NULL) {
        *set = zs_cred_new();
        if (*set == NULL || (own ? zs_cred_add_own(*set, crt, crt_len, key, key_len) : zs_cred_add_ca(*set, ca, ca_len)) != 0) {
            fprintf(stderr, "harness: credentials refused\n");
            exit(3);
        }
    }
    return *set;
}

typedef struct { int v12, group, dgram, suite; const unsigned char *session; size_t session_len; } spec;

static zs_ctx *make(int server, const spec *sp)
{
    int v = sp->v12 ? 0x0303 : 0x0304;
    zs_ctx *c = zs_new(server ? 2 : 1, server, sp->dgram, sp->dgram ? 0x0303 : v, sp->dgram ? 0x0303 : v);
    if (c == NULL) {
        fprintf(stderr, "harness: arena exhausted\n");
        exit(3);
    }
    if (server) {
        zs_conf_cred(c, cred_set(1));
        zs_conf_server(c, srv, 1 | (sp->dgram ? 4 : 0));
    } else {
        zs_conf_cred(c, cred_set(0));
        zs_conf_tickets(c, 1);
    }
    if (sp->group) {
        zs_conf_groups(c, &sp->group, 1);
    }
    if (sp->suite) {
        zs_conf_ciphersuites(c, &sp->suite, 1);
    }
    zs_setup(c);
    if (!server) {
        zs_set_hostname(c, "localhost");
        if (sp->session) {
            zs_session_load(c, sp->session, sp->session_len);
        }
    } else if (sp->dgram) {
        static const unsigned char peer[] = { 127, 0, 0, 1, 0x12, 0x34 };
        zs_set_transport_id(c, peer, sizeof(peer));
    }
    return c;
}

/* A full handshake between two fresh contexts; both left established. */
static void handshake(zs_ctx *cl, zs_ctx *sv)
{
    int rc = 1, rs = 1;
    for (int round = 0; round < 50 && (rc != 0 || rs != 0); round++) {
        zs_clock(wall_ms());
        if (rc) rc = drive(cl, &s2c, &c2s, op_handshake, NULL, 0);
        if (rs) rs = drive(sv, &c2s, &s2c, op_handshake, NULL, 0);
        if ((rc < 0 && rc != MBEDTLS_ERR_SSL_WANT_READ) || (rs < 0 && rs != MBEDTLS_ERR_SSL_WANT_READ)) {
            fprintf(stderr, "harness: handshake failed client %d server %d\n", rc, rs);
            exit(4);
        }
    }
    if (rc != 0 || rs != 0) {
        fprintf(stderr, "harness: handshake did not finish\n");
        exit(4);
    }
}

#define WARMUP 3 /* unmeasured handshakes first, as the wasm side warms up */

static unsigned char saved[4096];
static size_t saved_len;

/* Handshakes first..n-1, timed from 0 on (first < 0: unmeasured ones before), printed. */
static void measure_handshakes(const char *kind, const spec *sp, int n, int first, double *wall, double *cpu)
{
    int resumed = sp->session != NULL;
    for (int i = first; i < n; i++) {
        c2s.len = s2c.len = 0;
        double t0 = now_ms(), c0 = cpu_ms();
        zs_ctx *cl = make(0, sp), *sv = make(1, sp);
        handshake(cl, sv);
        if (resumed && !zs_resumed(sv)) {
            fprintf(stderr, "harness: the resumed handshake was a full one\n");
            exit(4);
        }
        if (i >= 0) {
            wall[i] = now_ms() - t0;
            cpu[i] = cpu_ms() - c0;
        }
        zs_free(cl);
        zs_free(sv);
    }
    printf("{\"kind\":\"%s\",\"ms\":[", kind);
    for (int i = 0; i < n; i++) printf("%s%.4f", i ? "," : "", wall[i]);
    printf("],\"cpu\":[");
    for (int i = 0; i < n; i++) printf("%s%.4f", i ? "," : "", cpu[i]);
    printf("]}\n");
    fflush(stdout);
}

/* Before each round of a multi-round run: waits for the bench's line; 0 at end of input. */
static int next_round(int rounds)
{
    if (rounds == 0) {
        return 1;
    }
    for (int ch = getchar(); ch != '\n'; ch = getchar()) {
        if (ch == EOF) return 0;
    }
    return 1;
}

static void run_handshakes(const char *kind, int n, int rounds)
{
    spec sp = { 0 };
    int resumed = !strcmp(kind, "resumed");
    if (!strcmp(kind, "tls12-p256")) { sp.v12 = 1; sp.group = 23; sp.suite = 0xc02b; }
    else if (!strcmp(kind, "tls13-p256")) { sp.group = 23; }
    else if (!strcmp(kind, "tls13-x25519") || resumed) { sp.group = 29; }
    else if (!strcmp(kind, "dtls12")) { sp.dgram = 1; sp.v12 = 1; sp.group = 23; sp.suite = 0xc02b; }
    else { fprintf(stderr, "harness: unknown kind %s\n", kind); exit(2); }
    if (resumed) {
        /* TLS 1.3 with a ticket: one full handshake, its ticket, then resumptions. */
        zs_ctx *cl = make(0, &sp), *sv = make(1, &sp);
        handshake(cl, sv);
        unsigned char b[64];
        /* Takes the NewSessionTicket: mbedTLS may consume it in one call (WANT_READ) and report
         * RECEIVED_NEW_SESSION_TICKET only on the next, as src/tls's read loop allows for. */
        for (int k = 0; k < 4; k++) {
            if (drive(cl, &s2c, &c2s, op_read, b, sizeof(b)) == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
                break;
            }
        }
        zs_session_save(cl, saved, sizeof(saved), &saved_len);
        zs_free(cl);
        zs_free(sv);
        sp.session = saved;
        sp.session_len = saved_len;
    }
    static double wall[4096], cpu[4096];
    if (n > 4096) n = 4096;
    for (int r = 0; r < (rounds ? rounds : 1) && next_round(rounds); r++) {
        measure_handshakes(kind, &sp, n, r == 0 ? -WARMUP : 0, wall, cpu);
    }
}

static void run_bulk(const char *suite, int mbytes)
{
    spec sp = { 0 };
    sp.group = 29;
    sp.suite = !strcmp(suite, "chacha20") ? 0x1303 : 0x1301;
    zs_ctx *cl = make(0, &sp), *sv = make(1, &sp);
    handshake(cl, sv);
    /* 16383 bytes a write: one TLS 1.3 record each (mbedTLS keeps a byte for the inner content type),
     * as every side of the bench writes (bench/lib/stats.ts RECORD). */
    static unsigned char pt[16383], rd[16384];
    for (size_t i = 0; i < sizeof(pt); i++) pt[i] = (unsigned char) i;
    long long total = (long long) mbytes << 20, done = 0;
    /* Warm-up: 1 MB through, unmeasured (caches, branch predictors, page faults of the queues). */
    for (long long warm = 0; warm < (1 << 20);) {
        drive(cl, &s2c, &c2s, op_write, pt, sizeof(pt));
        while (c2s.len > 0) {
            int r = drive(sv, &c2s, &s2c, op_read, rd, sizeof(rd));
            if (r <= 0) break;
            warm += r;
        }
    }
    double t0 = now_ms(), c0 = cpu_ms();
    while (done < total) {
        int w = drive(cl, &s2c, &c2s, op_write, pt, sizeof(pt));
        if (w <= 0) { fprintf(stderr, "harness: write %d\n", w); exit(5); }
        while (c2s.len > 0) {
            int r = drive(sv, &c2s, &s2c, op_read, rd, sizeof(rd));
            if (r == MBEDTLS_ERR_SSL_WANT_READ) break;
            if (r <= 0) { fprintf(stderr, "harness: read %d\n", r); exit(5); }
            done += r;
        }
    }
    double dt = now_ms() - t0, dc = cpu_ms() - c0;
    printf("{\"suite\":\"%s\",\"mbytes\":%d,\"ms\":%.3f,\"mbps\":%.2f,\"cpu_mbps\":%.2f}\n", suite, mbytes, dt,
           (double) total / 1048576.0 / (dt / 1000.0), (double) total / 1048576.0 / (dc / 1000.0));
    zs_free(cl);
    zs_free(sv);
}

int main(int argc, char **argv)
{
    if (argc != 5 && !(argc == 6 && !strcmp(argv[2], "handshake"))) {
        fprintf(stderr, "usage: harness CERTS_DIR handshake KIND N [ROUNDS] | bulk SUITE MBYTES\n");
        return 2;
    }
    c2s.b = malloc(QCAP);
    s2c.b = malloc(QCAP);
    ca = slurp(argv[1], "ca.crt.der", &ca_len);
    crt = slurp(argv[1], "server-ec.crt.der", &crt_len);
    key = slurp(argv[1], "server-ec.key.der", &key_len);
    if (zs_init(8u << 20) != 0) {
        return 3;
    }
    zs_clock(wall_ms());
    srv = zs_srv_new(86400);
    if (!strcmp(argv[2], "handshake")) run_handshakes(argv[3], atoi(argv[4]), argc == 6 ? atoi(argv[5]) : 0);
    else run_bulk(argv[3], atoi(argv[4]));
    zs_srv_free(srv);
    return 0;
}
