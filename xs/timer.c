/*
 * The `timer` module, as Moddable's (modules/base/timer): set(callback, ms[, interval]),
 * repeat(callback, ms), schedule(id, ms[, interval]), clear(id). The callback gets the timer's id;
 * the id is an opaque object with no methods (no unref(): a device's timers have none).
 * An armed timer keeps the loop alive; its id and callback are GC roots until it is cleared or
 * has fired for the last time.
 */
#include "xsAll.h"
#include "host.h"

/* In xsAPI.c, not in this version's headers: the host data if the object is one of ours. */
extern void* fxGetHostDataValidate(txMachine* the, txSlot* slot, void* validator);

typedef struct zx_timer {
	xsSlot id;
	xsSlot callback;
	double when;
	double interval;         /* > 0: fires again every interval ms */
	int armed;
	struct zx_timer* next;   /* the armed list, by deadline */
} zx_timer;

static zx_timer* gArmed;

static void disarm(xsMachine* the, zx_timer* t)
{
	zx_timer** at = &gArmed;
	while (*at && *at != t)
		at = &(*at)->next;
	if (*at)
		*at = t->next;
	if (t->armed) {
		xsForget(t->id);
		xsForget(t->callback);
		t->armed = 0;
	}
}

static void insert(zx_timer* t)
{
	zx_timer** at = &gArmed;
	while (*at && (*at)->when <= t->when)
		at = &(*at)->next;
	t->next = *at;
	*at = t;
}

static void arm(xsMachine* the, zx_timer* t, xsSlot* id, xsSlot* callback, double ms, double interval)
{
	disarm(the, t);
	t->id = *id;
	t->callback = *callback;
	xsRemember(t->id);
	xsRemember(t->callback);
	t->armed = 1;
	t->when = zx_now() + (ms > 0 ? ms : 0);
	t->interval = interval > 0 ? interval : 0;
	insert(t);
}

static void destroy(void* data)
{
	c_free(data); /* only a disarmed timer can be collected */
}

static double number_arg(xsMachine* the, int i)
{
	if (xsToInteger(xsArgc) <= i)
		return 0;
	double ms = xsToNumber(xsArg(i));
	return (ms == ms && ms > 0) ? ms : 0;
}

static void make(xsMachine* the, double ms, double interval)
{
	if (!xsIsInstanceOf(xsArg(0), xsFunctionPrototype))
		xsTypeError("timer: callback is not a function");
	zx_timer* t = c_calloc(1, sizeof(zx_timer));
	if (!t)
		xsUnknownError("timer: out of memory");
	xsResult = xsNewHostObject(destroy);
	xsSetHostData(xsResult, t);
	arm(the, t, &xsResult, &xsArg(0), ms, interval);
}

static void timer_set(xsMachine* the)
{
	make(the, number_arg(the, 1), number_arg(the, 2));
}

static void timer_repeat(xsMachine* the)
{
	double ms = number_arg(the, 1);
	make(the, ms, ms > 0 ? ms : 1);
}

static zx_timer* timer_of(xsMachine* the)
{
	if (xsToInteger(xsArgc) < 1 || !xsIsInstanceOf(xsArg(0), xsObjectPrototype))
		return NULL;
	return fxGetHostDataValidate(the, &xsArg(0), (void*)destroy);
}

static void timer_clear(xsMachine* the)
{
	zx_timer* t = (xsToInteger(xsArgc) > 0 && xsTypeOf(xsArg(0)) == xsReferenceType) ? timer_of(the) : NULL;
	if (t)
		disarm(the, t);
}

static void timer_schedule(xsMachine* the)
{
	zx_timer* t = timer_of(the);
	if (!t)
		xsTypeError("timer: not a timer");
	xsVars(1);
	xsVar(0) = t->armed ? t->callback : xsUndefined;
	if (!t->armed)
		xsUnknownError("timer: schedule() of a timer that has ended");
	arm(the, t, &xsArg(0), &xsVar(0), number_arg(the, 1), number_arg(the, 2));
}

double zx_timers_next(void)
{
	return gArmed ? gArmed->when : -1;
}

static int armed_in_list(const zx_timer* t)
{
	for (const zx_timer* at = gArmed; at; at = at->next)
		if (at == t)
			return 1;
	return 0;
}

/* A one-shot timer ends after its callback, unless the callback scheduled it again. */
void zx_timers_fire(xsMachine* the, double now)
{
	zx_timer* t = gArmed;
	if (!t || t->when > now)
		return;
	xsBeginHost(the);
	{
		xsVars(2);
		xsVar(0) = t->id;
		xsVar(1) = t->callback;
		gArmed = t->next;
		t->next = NULL;
		if (t->interval > 0) {
			t->when = now + t->interval;
			insert(t);
		}
		xsTry {
			xsCallFunction1(xsVar(1), xsUndefined, xsVar(0));
		}
		xsCatch {
			/* Reported here, where the machine is whole again: the report reads the stack. */
			mxException = xsException;
			fxAbort(the, XS_UNHANDLED_EXCEPTION_EXIT);
		}
		if (t->armed && !armed_in_list(t)) {
			xsForget(t->id);
			xsForget(t->callback);
			t->armed = 0;
		}
	}
	xsEndHost(the);
}

void zx_install_timer(xsMachine* the)
{
	xsBeginHost(the);
	{
		xsVars(1);
		xsVar(0) = xsNewObject();
		xsSet(xsVar(0), xsID("set"), xsNewHostFunction(timer_set, 3));
		xsSet(xsVar(0), xsID("repeat"), xsNewHostFunction(timer_repeat, 2));
		xsSet(xsVar(0), xsID("schedule"), xsNewHostFunction(timer_schedule, 3));
		xsSet(xsVar(0), xsID("clear"), xsNewHostFunction(timer_clear, 1));
		zx_native(the, "timer", xsVar(0));
	}
	xsEndHost(the);
}
