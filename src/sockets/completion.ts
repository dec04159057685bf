/**
 * I/O completion ports and the asynchronous handshake (IBM i's QsoCreateIOCompletionPort,
 * QsoWaitForIOCompletion, QsoCancelOperation, QsoIsOperationPending and
 * gsk_secure_soc_startInit): a handshake is started and returns at once; its completion is
 * posted to a port, which one task drains for many connections.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import type { Out, Sock } from './socket.js';
import { TcpSock } from './tcp.js';
import { WaitQueue } from './wait.js';
import { mappingOf, secure } from './ttls.js';
import { pending } from './tls_io.js';

/** Qso_OverlappedIO_t: inputs descriptorHandle and operationId; the rest is set on completion. */
export interface Overlapped {
  descriptorHandle?: unknown;
  operationId?: number;
  /** GSK_OK, or GSK_ERROR_IO with errnoValue. */
  returnValue?: number;
  errnoValue?: number;
  /** Which operation completed: GSKSECURESOCSTARTINIT. */
  operationCompleted?: number;
}

interface Op {
  fd: number;
  port: Port;
  area: Overlapped;
  sock: TcpSock;
  unsubscribe: () => void;
}

class Port {
  readonly done: Overlapped[] = [];
  readonly wq = new WaitQueue();
}

const ports = new Map<number, Port>();
const ops = new Set<Op>();
let nextPort = 1;

/** A new port's number; -ENOMEM past CONFIG ZSOCK_COMPLETION_PORTS_MAX. */
export function createPort(): number {
  if (ports.size >= config.ZSOCK_COMPLETION_PORTS_MAX) return -E.ENOMEM;
  const id = nextPort++;
  ports.set(id, new Port());
  return id;
}

/** Destroys a port: waiters get -EINTR; operations still pending on it are cancelled. */
export function destroyPort(id: number): number {
  const p = ports.get(id);
  if (!p) return -E.EINVAL;
  for (const op of [...ops]) if (op.port === p) finish(op, C.GSK_ERROR_IO, E.ECANCELED, false);
  ports.delete(id);
  p.wq.interrupt();
  return 0;
}

/** Takes the next completion into out.value: 0; -ETIMEDOUT when none came within timeoutMs
 *  (negative: wait forever; 0: just look); -EINVAL for a bad port; -EINTR if it is destroyed. */
export async function waitPort(id: number, out: Out<Overlapped>, timeoutMs: number): Promise<number> {
  const p = ports.get(id);
  if (!p) return -E.EINVAL;
  if (!out || typeof out !== 'object') return -E.EFAULT;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) return -E.EINVAL;
  const end = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    const c = p.done.shift();
    if (c) {
      out.value = c;
      return 0;
    }
    const left = end - Date.now();
    if (left <= 0) return -E.ETIMEDOUT;
    const w = await p.wq.wait(left === Infinity ? null : left);
    if (w === 'intr') return -E.EINTR;
  }
}

/** Starts the handshake on fd and returns at once (0): the completion is always posted to the
 *  port, never reported here, even when the handshake was already over. fd may be a plain TCP
 *  connection whose policy rule is application-controlled (secured here, as INIT_CONNECTION),
 *  or a TLS socket whose handshake is under way (non-blocking connect or accept).
 *  Errors: -EBADF; -EINVAL bad port; -EFAULT bad area; -EUNATCH not AF_INET/AF_INET6; -EIO not
 *  a stream socket; -ENOTCONN not connected; -EOPNOTSUPP / -EACCES the policy does not allow it
 *  (TLS off / not application-controlled); -EALREADY an operation is pending on fd. */
export function startHandshake(s: Sock | null, fd: number, portId: number, area: Overlapped): number {
  if (!s) return -E.EBADF;
  const port = ports.get(portId);
  if (!port) return -E.EINVAL;
  if (!area || typeof area !== 'object') return -E.EFAULT;
  if (s.family !== C.AF_INET && s.family !== C.AF_INET6) return -E.EUNATCH;
  if (s.type !== C.SOCK_STREAM) return -E.EIO;
  if ([...ops].some((o) => o.fd === fd)) return -E.EALREADY;
  const t = s as TcpSock;
  if (t.secure) {
    if (!t.layer && !pending(t)) return -E.ENOTCONN; // not connected, or a listener
  } else {
    if (t.state !== 'connected') return -E.ENOTCONN;
    const m = mappingOf(t);
    if (!m.rule?.enabled) return -E.EOPNOTSUPP;
    if (!m.rule.applicationControlled) return -E.EACCES;
    const L = t.layer; // a layer under way or open is posted as it is; a failed one is retried
    const n = L && L.state !== 'failed' ? 0 : secure(t, false);
    if (n < 0) return n === -E.ENOMEM ? -E.ENOMEM : -E.EIO;
  }
  const op: Op = { fd, port, area, sock: t, unsubscribe: () => {} };
  ops.add(op);
  op.unsubscribe = t.wq.subscribe(() => check(op));
  void Promise.resolve().then(() => check(op)); // never synchronously, even if already over
  return 0;
}

/** Posts the operation once its handshake is over: GSK_OK, or GSK_ERROR_IO with the layer's
 *  errno (the same every other surface reports). */
function check(op: Op): void {
  if (!ops.has(op)) return;
  const t = op.sock, L = t.layer;
  if (t.closed) finish(op, C.GSK_ERROR_IO, E.EINTR);
  else if (L?.state === 'open') finish(op, C.GSK_OK, 0);
  else if (L?.state === 'failed') finish(op, C.GSK_ERROR_IO, L.errno);
  else if (!L && !pending(t)) finish(op, C.GSK_ERROR_IO, t.secure ? t.error || E.ECONNREFUSED : E.ETIMEDOUT); // detached: a tolerated timeout
}

function finish(op: Op, returnValue: number, errnoValue: number, post = true): void {
  ops.delete(op);
  op.unsubscribe();
  Object.assign(op.area, { returnValue, errnoValue, operationCompleted: C.GSKSECURESOCSTARTINIT });
  if (!post) return;
  op.port.done.push(op.area);
  op.port.wq.wake();
}

/** QsoCancelOperation: cancels the operations on fd with operationId. Their handshakes are
 *  aborted (the connection is reset) and they complete with GSK_ERROR_IO / ECANCELED. 0, or
 *  -ENOENT when none was pending; -EBADF for a bad fd. */
export function cancelOperation(s: Sock | null, fd: number, operationId: number): number {
  if (!s) return -E.EBADF;
  const hit = [...ops].filter((o) => o.fd === fd && o.area.operationId === operationId);
  if (!hit.length) return -E.ENOENT;
  for (const op of hit) {
    finish(op, C.GSK_ERROR_IO, E.ECANCELED);
    op.sock.layer?.abort({ kind: 'cancelled' });
  }
  return 0;
}

/** QsoIsOperationPending: 1 when an operation with operationId is pending on fd, else 0;
 *  -EBADF for a bad fd. */
export function isOperationPending(s: Sock | null, fd: number, operationId: number): number {
  if (!s) return -E.EBADF;
  return [...ops].some((o) => o.fd === fd && o.area.operationId === operationId) ? 1 : 0;
}
