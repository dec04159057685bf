/*
 * The ECMA-419 network classes of xs/io419.js with the simulator as their network: in a board
 * process `zsock sim --engine xs` starts, every operation is a message over the pipe the
 * simulator passed (ZSOCK_XS_SIM_FD), answered by sim/xs_bridge.ts with the emulation the V8
 * boards use (sim/natives/moddable.ts) on the virtual network. Calls are synchronous (the board
 * waits for the answer, so the board and the network move in lockstep, in the board's order);
 * events (onReadable, onWritable, onError, resolver answers) come as messages and are delivered
 * on a later turn of the loop (host.post), never inside the caller's stack.
 * Frames: u32 LE length, u16 LE header length, the header (JSON), the payload bytes.
 * Errors the emulation throws come back by class and message and are thrown here as the same.
 */
import host from 'zsock-xs:net';
import sim from 'zsock-xs:sim';
import TextEncoder from 'text/encoder';
import TextDecoder from 'text/decoder';

const FD = sim.fd;
const enc = new TextEncoder(), dec = new TextDecoder();
const objects = new Map();     // id -> proxy, for events
const resolving = new Map();   // id -> resolve() options
let nextId = 1;
let inbox = new Uint8Array(0);
const events = [];
let replyFrame = null;

function bytesOf(x) {
	if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
	if (x instanceof ArrayBuffer) return new Uint8Array(x);
	return null;
}

function frame(head, payload) {
	const h = new Uint8Array(enc.encode(JSON.stringify(head)));
	const p = payload ?? new Uint8Array(0);
	const out = new Uint8Array(6 + h.length + p.length);
	const v = new DataView(out.buffer);
	v.setUint32(0, 2 + h.length + p.length, true);
	v.setUint16(4, h.length, true);
	out.set(h, 6); out.set(p, 6 + h.length);
	return out;
}

function writeAll(bytes) {
	let at = 0;
	while (at < bytes.length) {
		const n = host.send(FD, bytes.subarray(at));
		if (n < 0) gone();
		if (n === 0) sim.wait(FD, 2, -1); else at += n;
	}
}

function gone() {
	throw new Error('simulator pipe closed');
}

/* Reads what the pipe holds; frames go to the reply slot or the event queue. false at EOF. */
function pull() {
	for (;;) {
		const r = host.recv(FD, 65536);
		if (r === undefined) break;
		if (typeof r === 'number') return false;
		const b = new Uint8Array(r), all = new Uint8Array(inbox.length + b.length);
		all.set(inbox); all.set(b, inbox.length);
		inbox = all;
	}
	while (inbox.length >= 4) {
		const v = new DataView(inbox.buffer, inbox.byteOffset);
		const len = v.getUint32(0, true);
		if (inbox.length < 4 + len) break;
		const hlen = v.getUint16(4, true);
		const head = JSON.parse(dec.decode(inbox.slice(6, 6 + hlen)));
		const payload = inbox.slice(6 + hlen, 4 + len);
		inbox = inbox.slice(4 + len);
		if ('e' in head) events.push([head, payload]); else replyFrame = [head, payload];
	}
	return true;
}

let draining = false;
function deliver() {
	if (draining) return;
	draining = true;
	host.post(() => {
		draining = false;
		while (events.length) dispatch(...events.shift());
	});
}

function dispatch(h, payload) {
	if (h.e === 'resolved' || h.e === 'unresolved') {
		const o = resolving.get(h.id);
		resolving.delete(h.id);
		if (h.e === 'resolved') o?.onResolved?.(o.host, h.address); else o?.onError?.(o.host);
		return;
	}
	const t = objects.get(h.id);
	if (!t) return;
	t.told?.(h.e);
	if (h.e === 'readable') t.onReadable?.(h.n);
	else if (h.e === 'writable') t.onWritable?.(h.n);
	else if (h.e === 'error') t.onError?.();
}

/* One request and its answer: [value, payload]; the emulation's exception is thrown here. */
function call(head, payload) {
	writeAll(frame(head, payload));
	replyFrame = null;
	while (!replyFrame) {
		if (!pull()) gone();
		if (!replyFrame) sim.wait(FD, 1, -1);
	}
	const [h, p] = replyFrame;
	replyFrame = null;
	if (events.length) deliver();
	if (h.x) throw h.x === 'RangeError' ? new RangeError(h.m) : new Error(h.m);
	return [h.r, p];
}

host.watch(FD, host.POLLIN, () => {
	if (!pull()) { host.watch(FD, 0); gone(); }
	if (events.length) deliver();
});

const ADOPT = Symbol('adopt');

function plain(o, keys) {
	const out = {};
	for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
	return out;
}

class Proxied {
	#id;
	constructor(id) { this.#id = id; objects.set(id, this); }
	get id() { return this.#id; }
	call(m, a, payload) { return call({ op: 'call', id: this.#id, m, a }, payload); }
	forget() { objects.delete(this.#id); }
}

/* A TCP's write() before this board has been told of its connection (its first onWritable
 * event) throws "not ready" here, without asking: the simulator's network runs while the board
 * computes, and may have connected already; on the device the connect, and its flag, reach the
 * program as an event (xs/io419.js). After an error event or close() the simulator answers. */
class TCP extends Proxied {
	#told = false;
	#closed = false;
	constructor(o) {
		if (o === ADOPT) { super(arguments[1]); this.#told = true; return; }
		super(nextId++);
		o ??= {};
		this.onReadable = o.onReadable; this.onWritable = o.onWritable; this.onError = o.onError; this.target = o.target;
		const opts = plain(o, ['address', 'port', 'format']);
		if (o.from !== undefined) opts.from = o.from instanceof TCP ? o.from.id : -1;
		try { call({ op: 'new', cls: 'TCP', id: this.id, o: opts }); } catch (e) { this.forget(); throw e; }
		if (o.from instanceof TCP) { o.from.forget(); this.#told = true; }
	}
	/* An event for this socket arrived: a writable or an error one ends "not ready". */
	told(e) { if (e === 'writable' || e === 'error') this.#told = true; }
	read(arg) {
		const dst = bytesOf(arg);
		const [r, p] = this.call('read', [dst ? dst.length : arg]);
		if (r === 'buffer') {
			if (dst) { dst.set(p); return p.length; }
			return p.buffer;
		}
		return r ?? undefined;
	}
	write(data) {
		if (!this.#told && !this.#closed) throw new Error('not ready');
		const bytes = bytesOf(data);
		return this.call('write', bytes ? [] : [data], bytes ?? undefined)[0];
	}
	close() { this.#closed = true; this.call('close', []); this.forget(); }
	get remoteAddress() { return this.call('get', ['remoteAddress'])[0] ?? undefined; }
	get remotePort() { return this.call('get', ['remotePort'])[0] ?? undefined; }
	get format() { return this.call('get', ['format'])[0]; }
	set format(f) { this.call('set', ['format', f]); }
}

class Listener extends Proxied {
	constructor(o = {}) {
		super(nextId++);
		this.onReadable = o.onReadable; this.target = o.target;
		try { call({ op: 'new', cls: 'Listener', id: this.id, o: plain(o, ['port']) }); } catch (e) { this.forget(); throw e; }
	}
	read() {
		const id = this.call('read', [])[0];
		return id ? new TCP(ADOPT, id) : undefined;
	}
	get port() { return this.call('get', ['port'])[0]; }
	close() { this.call('close', []); this.forget(); }
}

class UDP extends Proxied {
	constructor(o = {}) {
		super(nextId++);
		this.onReadable = o.onReadable; this.target = o.target;
		try { call({ op: 'new', cls: 'UDP', id: this.id, o: plain(o, ['port']) }); } catch (e) { this.forget(); throw e; }
	}
	read() {
		const [r, p] = this.call('read', []);
		if (!r) return undefined;
		const ab = p.buffer;
		ab.address = r.address;
		ab.port = r.port;
		return ab;
	}
	write(data, address, port) {
		const bytes = bytesOf(data);
		this.call('write', bytes ? [null, address, port] : [data, address, port], bytes ?? undefined);
	}
	close() { this.call('close', []); this.forget(); }
}

/* The UDP DNS resolver: the virtual network's DNS answers, as an event. */
class Resolver {
	constructor(options = {}) { this.options = options; }
	resolve(o) {
		const id = nextId++;
		resolving.set(id, o);
		call({ op: 'resolve', id, host: String(o.host) });
	}
	close() {}
}

const Net = { get: (what) => call({ op: 'net', what: String(what) })[0] ?? undefined };

/* Requests a harness on the simulator's side answers (the faults suite on XS drives the virtual
 * network through them: test/xs/sim_env.ts); the simulator itself answers none. */
const Control = { call: (m, ...a) => call({ op: 'ctl', m: String(m), a })[0] ?? undefined };

export { TCP, UDP, Listener, Resolver, Net, Control };
