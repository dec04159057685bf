/*
 * Module loading, as a device does it: the firmware's files by path ("./x", "../x", "/x"), and
 * every other specifier a native module the host registered (zsock:core, timer, text/encoder,
 * ...). A native module is the one line `export default <value>`, its value fetched through a
 * symbol-keyed function, so the global object keeps only the engine's own names: a firmware
 * that reads a global a device lacks fails here as there.
 */
#include "xsAll.h"
#include "xsScript.h"
#include "host.h"

#ifdef mxDebug
#define ZX_PARSE_FLAGS mxDebugFlag /* error stacks say file:line */
#else
#define ZX_PARSE_FLAGS 0
#endif
#define ZX_NATIVE_KEY "zsock.xs.native"

static xsSlot gNatives;

/* The ECMA-419 classes are JS over the host's socket primitives, as Moddable's are JS over
 * lwIP natives (xs/io419.js, compiled into the binary: build/xs/gen/io419_js.c). */
extern const char zx_io419_js[];
/* In a board process of `zsock sim --engine xs`, the same classes over the simulator's pipe. */
extern const char zx_io419_sim_js[];
static const struct { const char* specifier; const char* source; } gBuiltins[] = {
	{ "zsock-xs:io419", zx_io419_js },
	{ "embedded:io/socket/tcp", "export { TCP as default } from 'zsock-xs:io419';" },
	{ "embedded:io/socket/udp", "export { UDP as default } from 'zsock-xs:io419';" },
	{ "embedded:io/socket/listener", "export { Listener as default } from 'zsock-xs:io419';" },
	{ "embedded:network/dns/resolver/udp", "export { Resolver as default } from 'zsock-xs:io419';" },
	{ "net", "export { Net as default } from 'zsock-xs:io419';" },
};

const char* zx_builtin_source(const char* specifier)
{
	for (size_t i = 0; i < sizeof(gBuiltins) / sizeof(gBuiltins[0]); i++)
		if (!c_strcmp(gBuiltins[i].specifier, specifier))
			return i == 0 && zx_sim_fd() >= 0 ? zx_io419_sim_js : gBuiltins[i].source;
	return NULL;
}

/* The native module lookup: a missing one is an import error, as on a device's linker. */
static void native_lookup(xsMachine* the)
{
	xsStringValue name = xsToString(xsArg(0));
	if (!xsHas(gNatives, xsID(name)))
		xsURIError("module %s not found", name);
	xsResult = xsGet(gNatives, xsID(name));
}

void zx_natives_init(xsMachine* the)
{
	xsBeginHost(the);
	{
		gNatives = xsNewObject();
		xsRemember(gNatives);
		xsVars(2);
		xsVar(0) = xsGet(xsGlobal, xsID("Symbol"));
		xsVar(0) = xsCall1(xsVar(0), xsID("for"), xsString(ZX_NATIVE_KEY));
		xsVar(1) = xsNewHostFunction(native_lookup, 1);
		xsDefineAt(xsGlobal, xsVar(0), xsVar(1), xsDontEnum | xsDontDelete | xsDontSet);
	}
	xsEndHost(the);
}

void zx_native(xsMachine* the, const char* specifier, xsSlot value)
{
	xsSet(gNatives, xsID((char*)specifier), value);
}

/* "./x" and "../x" resolve against the importing module's path, "/x" is absolute. */
txID fxFindModule(txMachine* the, txSlot* realm, txID moduleID, txSlot* slot)
{
	char name[C_PATH_MAX], path[C_PATH_MAX];
	int dot = 0;
	fxToStringBuffer(the, slot, name, sizeof(name));
	if (name[0] == '.' && name[1] == '/')
		dot = 1;
	else if (name[0] == '.' && name[1] == '.' && name[2] == '/')
		dot = 2;
	if (!dot)
		return fxNewNameC(the, name);
	if (moduleID == XS_NO_ID)
		return XS_NO_ID;
	c_strncpy(path, fxGetKeyName(the, moduleID), C_PATH_MAX - 1);
	path[C_PATH_MAX - 1] = 0;
	for (int up = 0; up < dot; up++) {
		char* slash = c_strrchr(path, '/');
		if (!slash)
			return XS_NO_ID;
		*slash = 0;
	}
	if (c_strlen(path) + c_strlen(name + dot) + 1 >= sizeof(path))
		mxRangeError("module path too long");
	c_strcat(path, name + dot);
	return fxNewNameC(the, path);
}

static txScript* parse(txMachine* the, void* stream, txGetter getter, const char* path, txUnsigned flags)
{
	txParser parser;
	txParserJump jump;
	txScript* script = NULL;
	fxInitializeParser(&parser, the, the->parserBufferSize, the->parserTableModulo);
	parser.firstJump = &jump;
	if (c_setjmp(jump.jmp_buf) == 0) {
		parser.path = fxNewParserSymbol(&parser, (txString)path);
		fxParserTree(&parser, stream, getter, flags, NULL);
		fxParserHoist(&parser);
		fxParserBind(&parser);
		script = fxParserCode(&parser);
	}
	fxTerminateParser(&parser);
	return script;
}

static txScript* parse_string(txMachine* the, const char* source, const char* path)
{
	txStringCStream stream;
	stream.buffer = (char*)source;
	stream.offset = 0;
	stream.size = (txSize)c_strlen(source);
	return parse(the, &stream, fxStringCGetter, path, ZX_PARSE_FLAGS);
}

txScript* zx_load_file(txMachine* the, const char* path, txUnsigned flags)
{
	FILE* file = fopen(path, "r");
	if (!file)
		return NULL;
	txScript* script = parse(the, file, (txGetter)fgetc, path, flags | ZX_PARSE_FLAGS);
	fclose(file);
	return script;
}

void fxLoadModule(txMachine* the, txSlot* module, txID moduleID)
{
	const char* path = fxGetKeyName(the, moduleID);
	txScript* script;
	if (path[0] == '/')
		script = zx_load_file(the, path, 0);
	else if (zx_builtin_source(path))
		script = parse_string(the, zx_builtin_source(path), path);
	else {
		char source[C_PATH_MAX + 96];
		if (c_strchr(path, '"') || c_strchr(path, '\\'))
			return;
		snprintf(source, sizeof(source), "export default globalThis[Symbol.for(\"" ZX_NATIVE_KEY "\")](\"%s\");\n", path);
		script = parse_string(the, source, path);
	}
	if (script)
		fxResolveModule(the, module, moduleID, script, C_NULL, C_NULL);
}
