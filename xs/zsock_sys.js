/*
 * zsock:sys for a Moddable build: exit(status) restarts the device, random(buffer) fills a
 * buffer from the TRNG (xs/sys.c). The XS host registers the same functions itself.
 */
function exit(status) @ "xs_zsock_sys_exit";
function random(buffer) @ "xs_zsock_sys_random";

export default Object.freeze({ exit, random });
