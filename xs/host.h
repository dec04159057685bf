/*
 * zsock's XS host: the interfaces between its files. The host gives a firmware what a Moddable
 * device's runtime gives it around the engine, and no globals: promise jobs, timers (the
 * `timer` module), native modules by specifier (zsock:core, zsock:sys, text/encoder,
 * text/decoder, zsock:host), and a report and restart (exit) on an uncaught exception or an
 * unhandled rejection.
 */
#ifndef ZX_HOST_H
#define ZX_HOST_H

#include "xs.h"

/* The board's name, as reports say it ("[moddable-esp32] ..."). */
extern const char* zx_board;

/* Registers `value` as the default export of the native module `specifier` (modules.c). */
void zx_native(xsMachine* the, const char* specifier, xsSlot value);
/* The module loader's table of natives (a GC root), made once before anything registers. */
void zx_natives_init(xsMachine* the);

/* Ends the run loop after the current callback with `status` (zsock:sys exit()). */
void zx_request_exit(int status);

/* Whether exit() was requested: the loop ends after the current callback. */
int zx_exiting(void);

/* Set while the loop waits in poll(2): a signal then ends the loop instead of the process. */
#include <signal.h>
extern volatile sig_atomic_t zx_waiting;
/* From a signal handler: wakes the loop's poll(2). */
void zx_wake(void);

/* Monotonic milliseconds. */
double zx_now(void);

/* The timer module (timer.c): the earliest deadline (ms, zx_now's clock), or -1 when none;
 * runs the timers due at `now`. */
double zx_timers_next(void);
void zx_timers_fire(xsMachine* the, double now);

/* The I/O wait (watch.c): descriptors with a callback(revents), and callbacks posted for the
 * next turn. zx_watch(events 0) forgets a descriptor; 0 or -ENFILE. */
void zx_watch_init(xsMachine* the);
int zx_watch(xsMachine* the, int fd, short events, xsSlot* callback);
void zx_post(xsMachine* the, xsSlot* callback);
/* Whether a descriptor is watched or a callback posted: the loop must go on. */
int zx_watch_busy(void);
void zx_run_posted(xsMachine* the);
/* Waits up to timeout ms (-1: no limit) and delivers, running `jobs` after each callback. */
void zx_watch_wait(xsMachine* the, int timeout, void (*jobs)(xsMachine*));

/* Built-in modules written in JS (modules.c), by specifier: NULL when there is none. */
const char* zx_builtin_source(const char* specifier);

/* Installers of the native modules (one per file). */
void zx_install_net(xsMachine* the);
void zx_install_timer(xsMachine* the);
void zx_install_host(xsMachine* the, int argc, char* argv[]);
void zx_install_sys(xsMachine* the);
void zx_install_core(xsMachine* the);
/* zsock-xs:sim (simpipe.c): the simulator's pipe; zx_sim_fd() is it, or -1 outside the simulator. */
void zx_install_sim(xsMachine* the);
int zx_sim_fd(void);
/* A notice to the simulator (no answer): a JSON header and a payload; 0, or -1 when not sent. */
int zx_sim_notice(const char* json, const unsigned char* payload, size_t n);
/* The loop is about to wait with nothing to run: the first time, the simulator is told the board
 * has booted (its `idle` message), so the next board boots after it, as in the V8 simulator. */
void zx_sim_idle(void);
/* Adopts a descriptor as one of net.c's (non-blocking, close-on-exec): fd or -errno. */
int zx_net_own(int fd);

/* The board's entropy source (sys.c): getrandom(2) here, the TRNG on a device. 0 or -1. */
int zx_trng(unsigned char* out, size_t len);

#endif
