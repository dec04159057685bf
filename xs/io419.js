/*
 * Moddable's ECMA-419 network classes (embedded:io/socket/tcp, /udp, /listener,
 * embedded:network/dns/resolver/udp) and `net`, over the host's sockets (xs/net.c), with the
 * contract of the lwIP build on ESP32 (Moddable's modules/io/socket/lwip; the simulator emulates
 * the same in sim/natives/moddable.ts):
 * - TCP takes a numeric `address` ("invalid address"), `port` 0..65535 (RangeError "invalid
 *   port"), or `from` (a socket from listener.read());
 * - onWritable(room) is the connect signal and the "sent" signal; onReadable(buffered);
 * - onError() carries no argument and comes only after the receive buffer is drained;
 * - write() throws "not ready" before connect and "would block" above the send buffer, is
 *   ignored after an error, and returns the send buffer left; read() returns undefined when
 *   empty, read(n) throws "invalid" for n <= 0 or n > buffered; close() with unread data is RST.
 * Events come on a later turn of the loop (host.post), never inside the caller's stack.
 * Part of the XS host (embedded in its binary), not of the firmware.
 */
import host from 'zsock-xs:net';
import Timer from 'timer';

const { POLLIN, POLLOUT } = host;
const SNDBUF = 5744, RCVWND = 5744;   // lwIP on ESP32: TCP_SND_BUF and TCP_WND, 4 * MSS
const LISTEN_QUEUE = 4, UDP_QUEUE = 16;
const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const numeric = (a) => typeof a === 'string' && (V4.test(a) || (/^[0-9a-fA-F:.]+$/.test(a) && a.includes(':')));
const validPort = (p) => Number.isInteger(p) && p >= 0 && p <= 65535;
const later = (fn) => host.post(fn);

function bytesOf(x) {
	if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
	if (x instanceof ArrayBuffer) return new Uint8Array(x);
	return null;
}

class ByteQueue {
	chunks = []; length = 0;
	push(b) { if (b.length) { this.chunks.push(b); this.length += b.length; } }
	take(n) {
		const out = new Uint8Array(n);
		let at = 0;
		while (at < n) {
			const c = this.chunks[0], k = Math.min(c.length, n - at);
			out.set(c.subarray(0, k), at);
			at += k;
			if (k === c.length) this.chunks.shift(); else this.chunks[0] = c.subarray(k);
		}
		this.length -= n;
		return out;
	}
}

const BARE = Symbol('bare');

class TCP {
	#fd = -1;
	#rx = new ByteQueue();
	#tx = null;            // bytes the kernel did not take yet (rare: its buffer is larger)
	#connected = false;
	#failed = false;
	#errorDue = false;
	#closed = false;
	#bare = false;
	#format = 'buffer';
	#reading = false;      // POLLIN interest (off while the receive window is full)
	#ackWatch = false;
	#lastRoom = SNDBUF;

	constructor(o) {
		if (o === BARE) { this.#bare = true; return; }
		o ??= {};
		if (o.format !== undefined && o.format !== 'buffer' && o.format !== 'number') throw new RangeError('unimplemented');
		this.#format = o.format ?? 'buffer';
		this.onReadable = o.onReadable; this.onWritable = o.onWritable; this.onError = o.onError; this.target = o.target;
		if (o.from !== undefined) {
			const from = o.from;
			if (!(from instanceof TCP) || from.#fd < 0) throw new Error('invalid from');
			this.#adopt(from);
			return;
		}
		if (!numeric(o.address)) throw new Error('invalid address');
		if (!validPort(o.port)) throw new RangeError('invalid port');
		const fd = host.tcpConnect(o.address, o.port);
		if (fd < 0) throw new Error('socket connect failed');
		this.#fd = fd;
		host.watch(fd, POLLOUT, (ev) => this.#connecting(ev));
	}

	static [BARE](fd, address, port) {
		const t = new TCP(BARE);
		t.#fd = fd; t.#connected = true; t.remoteAddress = address; t.remotePort = port;
		t.#watch(true);
		return t;
	}

	#adopt(from) {
		this.#fd = from.#fd; this.#rx = from.#rx; this.#failed = from.#failed; this.#errorDue = from.#errorDue;
		this.#connected = true;
		this.remoteAddress = from.remoteAddress; this.remotePort = from.remotePort;
		from.#fd = -1; from.#closed = true;
		this.#reading = false;
		if (!this.#failed) this.#watch(this.#rx.length < RCVWND);
		// An accepted socket is connected: the first onWritable says so, buffered data follows.
		later(() => {
			if (this.#closed) return;
			this.onWritable?.(this.#room());
			if (this.#rx.length) this.onReadable?.(this.#rx.length);
			this.#maybeError();
		});
	}

	#watch(reading) {
		this.#reading = reading;
		const ev = (reading ? POLLIN : 0) | (this.#tx ? POLLOUT : 0);
		host.watch(this.#fd, ev, (e) => this.#event(e));
	}

	#connecting(ev) {
		const err = host.soError(this.#fd);
		if (err < 0) { host.watch(this.#fd, 0); this.#fail(); return; }
		this.#connected = true;
		this.#watch(true);
		if (!this.#closed) this.onWritable?.(this.#room());
	}

	#event(ev) {
		if ((ev & POLLOUT) && this.#tx) this.#push();
		if (ev & ~POLLOUT) this.#pull();
	}

	#pull() {
		let got = 0;
		while (this.#rx.length < RCVWND) {
			const r = host.recv(this.#fd, RCVWND - this.#rx.length);
			if (r === undefined) break;
			if (typeof r === 'number') { host.watch(this.#fd, 0); this.#fail(); break; } // FIN (0) or RST (< 0)
			this.#rx.push(new Uint8Array(r));
			got += r.byteLength;
		}
		if (!this.#failed && this.#rx.length >= RCVWND) this.#watch(false); // window closed
		if (got && !this.#closed && !this.#bare) this.onReadable?.(this.#rx.length);
	}

	#room() {
		return Math.max(0, SNDBUF - host.outq(this.#fd) - (this.#tx?.length ?? 0));
	}

	/* lwIP calls onWritable as acknowledgements free the send buffer: watch SIOCOUTQ. */
	#sent() {
		if (this.#ackWatch) return;
		this.#ackWatch = true;
		const check = () => {
			if (this.#closed || this.#failed) { this.#ackWatch = false; return; }
			const room = this.#room();
			if (room > this.#lastRoom || room === SNDBUF) {
				this.#lastRoom = room;
				this.onWritable?.(room); // may write again: look at the room afresh below
			}
			if (!this.#closed && !this.#failed && this.#room() < SNDBUF) Timer.set(check, 1);
			else this.#ackWatch = false;
		};
		later(check);
	}

	#fail() {
		this.#failed = true;
		this.#errorDue = true;
		later(() => this.#maybeError());
	}

	#maybeError() {
		if (this.#closed || this.#bare || !this.#errorDue || this.#rx.length) return;
		this.#errorDue = false;
		this.onError?.();
	}

	read(arg) {
		if (this.#closed) throw new Error('closed');
		if (!this.#rx.length) return undefined;
		if (this.#format === 'number') return this.#take(1)[0];
		let n = this.#rx.length;
		const dst = bytesOf(arg);
		if (dst) n = dst.length;
		else if (arg !== undefined) n = Number(arg);
		if (!(n > 0) || n > this.#rx.length) throw new Error('invalid');
		const got = this.#take(n);
		if (dst) { dst.set(got); return n; }
		return got.buffer;
	}

	#take(n) {
		const out = this.#rx.take(n);
		if (!this.#failed && !this.#reading && this.#rx.length < RCVWND) this.#watch(true); // window opens
		if (!this.#rx.length && this.#errorDue) later(() => this.#maybeError());
		return out;
	}

	write(data) {
		if (this.#closed) throw new Error('closed');
		if (this.#failed) return 0; // "silently ignored after an error"
		if (!this.#connected) throw new Error('not ready');
		const bytes = this.#format === 'number' && typeof data === 'number' ? Uint8Array.of(data) : bytesOf(data);
		if (!bytes) throw new Error('invalid buffer');
		if (bytes.length > this.#room()) throw new Error('would block');
		if (bytes.length) {
			this.#tx = this.#tx ? concat(this.#tx, bytes) : bytes.slice();
			this.#push();
			this.#lastRoom = this.#room();
			this.#sent();
		}
		return this.#room();
	}

	#push() {
		const n = host.send(this.#fd, this.#tx);
		if (n < 0) { this.#tx = null; host.watch(this.#fd, 0); this.#fail(); return; }
		this.#tx = n === this.#tx.length ? null : this.#tx.subarray(n);
		this.#watch(this.#reading);
	}

	close() {
		if (this.#closed) return;
		this.#closed = true;
		const fd = this.#fd;
		this.#fd = -1;
		if (fd < 0) return;
		host.watch(fd, 0);
		// lwIP's tcp_close answers with RST when received data was never read.
		if (this.#rx.length) host.abort(fd); else host.close(fd);
	}

	get format() { return this.#format; }
	set format(f) {
		if (f !== 'buffer' && f !== 'number') throw new RangeError('unimplemented');
		this.#format = f;
	}
}

function concat(a, b) {
	const out = new Uint8Array(a.length + b.length);
	out.set(a); out.set(b, a.length);
	return out;
}

class Listener {
	#fd;
	#queue = [];
	#port;
	#closed = false;
	constructor(o = {}) {
		const port = o.port ?? 0;
		if (!validPort(port)) throw new RangeError('invalid port');
		this.onReadable = o.onReadable; this.target = o.target;
		const fd = host.tcpListen(port, LISTEN_QUEUE);
		if (fd < 0) throw new Error('listen failed');
		this.#fd = fd;
		this.#port = host.localPort(fd);
		this.#watch();
	}
	#watch() {
		host.watch(this.#fd, this.#queue.length < LISTEN_QUEUE ? POLLIN : 0, () => this.#accept());
	}
	#accept() {
		let n = 0;
		while (this.#queue.length < LISTEN_QUEUE) {
			const a = host.accept(this.#fd);
			if (!a) break;
			this.#queue.push(TCP[BARE](a[0], a[1], a[2]));
			n++;
		}
		this.#watch();
		if (n && !this.#closed) this.onReadable?.(this.#queue.length);
	}
	read() {
		const t = this.#queue.shift();
		if (!this.#closed) this.#watch();
		return t;
	}
	get port() { return this.#port; }
	close() {
		if (this.#closed) return;
		this.#closed = true;
		host.watch(this.#fd, 0);
		host.close(this.#fd);
		for (const t of this.#queue.splice(0)) t.close();
	}
}

class UDP {
	#fd;
	#queue = [];
	#closed = false;
	constructor(o = {}) {
		const port = o.port ?? 0;
		if (!validPort(port)) throw new RangeError('invalid port');
		this.onReadable = o.onReadable; this.target = o.target;
		const fd = host.udpBind(port);
		if (fd < 0) throw new Error('bind failed');
		this.#fd = fd;
		host.watch(fd, POLLIN, () => this.#receive());
	}
	#receive() {
		let n = 0;
		for (;;) {
			const r = host.recvfrom(this.#fd);
			if (!r) break;
			if (this.#queue.length >= UDP_QUEUE) continue; // lwIP drops what an unread socket cannot hold
			const ab = r[0];
			ab.address = r[1];
			ab.port = r[2];
			this.#queue.push(ab);
			n++;
		}
		if (n && !this.#closed) this.onReadable?.(this.#queue.length);
	}
	read() {
		if (this.#closed) throw new Error('closed');
		return this.#queue.shift();
	}
	write(data, address, port) {
		if (this.#closed) throw new Error('closed');
		if (!numeric(address)) throw new RangeError('invalid IP address');
		const bytes = bytesOf(data);
		if (!bytes || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error('UDP send failed');
		if (host.sendto(this.#fd, bytes, address, port) < 0) throw new Error('UDP send failed');
	}
	close() {
		if (this.#closed) return;
		this.#closed = true;
		host.watch(this.#fd, 0);
		host.close(this.#fd);
	}
}

/* The UDP DNS resolver's interface; here the host's resolver (getaddrinfo, A records), answered on a
 * later turn. */
class Resolver {
	constructor(options = {}) { this.options = options; }
	resolve(o) {
		later(() => {
			const address = host.resolve(String(o.host));
			if (address) o.onResolved?.(o.host, address); else o.onError?.(o.host);
		});
	}
	close() {}
}

/* `net`: the station's addresses (loopback here) and its DNS server. */
const Net = { get: (what) => ({ IP: '127.0.0.1', IPV6: '::1', DNS: '127.0.0.1' })[what] };

export { TCP, UDP, Listener, Resolver, Net };
