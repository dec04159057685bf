/*
 * The XS platform header of zsock's XS host (compiled into every engine file with
 * -DINCLUDE_XSPLATFORM -DXSPLATFORM='"xs_platform.h"'): Linux, GCC, little-endian. XS's
 * defaults (xsPlatforms.c) supply allocation, keys, script parsing and the debugger stubs; the
 * host supplies promise jobs, module loading and abort (host.c, modules.c), as a device's
 * platform does (Moddable's xs/platforms/esp).
 */
#ifndef ZX_PLATFORM_H
#define ZX_PLATFORM_H

#undef mxLittleEndian
#define mxLittleEndian 1
#undef mxLinux
#define mxLinux 1
#define mxExport extern
#define mxImport extern
#define XS_FUNCTION_NORETURN __attribute__((noreturn))

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <unistd.h>

#define mxUseGCCAtomics 1
#define mxUsePOSIXThreads 1

/* Per machine: what the defaults of xsPlatforms.c use, plus the host's promise-job flag. */
#define mxMachinePlatform \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink; \
	int promiseJobs;

#define mxUseDefaultMachinePlatform 1
#define mxUseDefaultBuildKeys 1
#define mxUseDefaultChunkAllocation 1
#define mxUseDefaultSlotAllocation 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultDebug 1

#if INTPTR_MAX == INT64_MAX
	#define mx32bitID 1
#endif

#endif
