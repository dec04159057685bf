/*
 * What an OS would give mbedTLS, given instead by the host: the arena, the clock, entropy,
 * and a calendar conversion that needs no time zone code.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/psa_util.h"
#include "psa/crypto.h"
#include "zs.h"

double zs_now_ms;
static unsigned char *arena;
static size_t arena_size;

mbedtls_time_t zs_time(mbedtls_time_t *t)
{
    mbedtls_time_t now = (mbedtls_time_t) (zs_now_ms / 1000.0);
    if (t != NULL) {
        *t = now;
    }
    return now;
}

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t) zs_now_ms;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian); Howard Hinnant's published
 * algorithm, written out for mbedTLS's certificate validity checks. */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    int64_t secs = (int64_t) *tt;
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);

    memset(tm_buf, 0, sizeof(*tm_buf));
    tm_buf->tm_year = (int) (y - 1900);
    tm_buf->tm_mon = (int) (m - 1);
    tm_buf->tm_mday = (int) d;
    tm_buf->tm_hour = (int) (rem / 3600);
    tm_buf->tm_min = (int) (rem % 3600 / 60);
    tm_buf->tm_sec = (int) (rem % 60);
    return tm_buf;
}

int mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context,
                                    uint8_t *output, size_t output_size, size_t *output_length)
{
    (void) context;
    if (zs_host_random(output, output_size) != 0) {
        return PSA_ERROR_INSUFFICIENT_ENTROPY;
    }
    *output_length = output_size;
    return PSA_SUCCESS;
}

int zs_rng(void *p, unsigned char *out, size_t len)
{
    (void) p;
    return mbedtls_psa_get_random(MBEDTLS_PSA_RANDOM_STATE, out, len);
}

/* ---- arena -------------------------------------------------------------------------------- */

/* Sets up the arena of `size` bytes (taken from wasm memory once) and PSA. 0 or -1. */
ZS_API int zs_init(uint32_t size)
{
    if (arena != NULL) {
        return 0;
    }
    arena = malloc(size);
    if (arena == NULL) {
        return -1;
    }
    arena_size = size;
#if !defined(ZS_SYSTEM_ALLOC)
    zs_arena_init(arena, size);
    mbedtls_platform_set_calloc_free(zs_arena_calloc, zs_arena_free);
#endif
    return psa_crypto_init() == PSA_SUCCESS ? 0 : -1;
}

/* ZS_SYSTEM_ALLOC (native sanitizer builds only): mbedTLS allocates from the C library, so
 * AddressSanitizer sees every block; the arena, never set up, then reads 0 in every figure. */
size_t zs_arena_used_bytes(void)
{
    size_t used, blocks, peak;
    zs_arena_usage(&used, &blocks, &peak);
    return used;
}

/* out[0] = arena size, out[1] = bytes in use, out[2] = blocks in use, out[3] = peak bytes. */
ZS_API void zs_arena_stats(uint32_t *out)
{
    size_t used, blocks, peak;
    zs_arena_usage(&used, &blocks, &peak);
    out[0] = (uint32_t) arena_size;
    out[1] = (uint32_t) used;
    out[2] = (uint32_t) blocks;
    out[3] = (uint32_t) peak;
}

/* Everything a context allocates happens inside a call made on that context (the engine is
 * single-threaded), so the arena's change across the call is the context's own. The arena's peak
 * is reset at the start so the context's transient peak inside the call is seen too. */
void zs_acct_begin(int64_t *u0)
{
    *u0 = (int64_t) zs_arena_used_bytes();
    zs_arena_peak_reset();
}

void zs_acct_end(zs_ctx *c, int64_t u0)
{
    size_t used, blocks, peak;
    int64_t before = c->mem_cur;
    zs_arena_usage(&used, &blocks, &peak);
    c->mem_cur = before + ((int64_t) used - u0);
    int64_t high = before + ((int64_t) peak - u0);
    if (high > c->mem_peak) {
        c->mem_peak = high;
    }
}

/* Memory for the host's staging buffers; outside the arena, so it never competes with TLS. */
ZS_API void *zs_alloc(uint32_t size)
{
    return malloc(size);
}

ZS_API void zs_release(void *p)
{
    free(p);
}

ZS_API void zs_clock(double now_ms)
{
    zs_now_ms = now_ms;
}
