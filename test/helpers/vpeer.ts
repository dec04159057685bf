/** A peer machine's TCP stack on the virtual network, below any driver: raw TcpEnds for tests. */
import type { TcpEnd, VHost } from '../../sim/vnet.js';
import type { TcpEndEvents } from '../../sim/vtcp.js';

/** Listens on `h:port` (IPv4); each accepted end gets the events `make(end)` returns, and a
 *  receive buffer of `rcvBuf` bytes when given. */
export function rawListen(h: VHost, port: number, make: (end: TcpEnd) => Partial<TcpEndEvents>, rcvBuf?: number): void {
  h.bindTcp(port);
  h.listeners.set(port, {
    local: { family: 4, address: '0.0.0.0', port }, v6only: true, hasRoom: () => true, rcvBuf,
    onConnection: (end) => {
      end.events = { onConnect() {}, onData() {}, onEnd() {}, onAck() {}, onError() {}, onClose() {}, ...make(end) };
    },
  });
}
