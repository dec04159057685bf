/*
 * Reference counting and the live lists of what the host holds by handle (zs_shared, zs.h).
 * A handle comes from the host as a bare number: it is compared against its list's members
 * and only read through once found there, so a freed or forged handle is refused unread. A
 * few objects per core (listeners, credential sets), so a walk is cheap.
 */
#include "zs.h"

void zs_shared_add(zs_shared **live, zs_shared *s)
{
    s->refs = 1;
    s->owned = 1;
    s->next = *live;
    *live = s;
}

int zs_shared_live(zs_shared *const *live, const void *h)
{
    for (const zs_shared *p = *live; p != NULL; p = p->next) {
        if ((const void *)p == h) {
            return 1;
        }
    }
    return 0;
}

int zs_shared_held(zs_shared *const *live, const void *h)
{
    return zs_shared_live(live, h) && ((const zs_shared *)h)->owned;
}

void zs_shared_unlink(zs_shared **live, zs_shared *s)
{
    for (zs_shared **p = live; *p != NULL; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            s->next = NULL;
            return;
        }
    }
}

int zs_shared_release(zs_shared **live, zs_shared *s)
{
    if (--s->refs > 0) {
        return 0;
    }
    zs_shared_unlink(live, s);
    return 1;
}
