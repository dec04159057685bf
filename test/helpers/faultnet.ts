/**
 * The faults a suite injects into a board's virtual network, by address, through one interface:
 * called directly by a suite in this process (VNetFaults over the board's VNet), or from a suite
 * running inside an XS board process, whose calls reach VNetFaults over the simulator's pipe
 * (test/xs/sim_env.ts, test/xs/sim_suite.ts). Addresses are IPv4.
 */
import type { LinkParams, VHost, VNet } from '../../sim/vnet.js';
import { rawListen } from './vpeer.js';

export interface FaultNet {
  /** A new peer machine on the network; its address. */
  addHost(name: string): string;
  /** The link between two machines (the same address twice: a machine talking to itself). */
  link(a: string, b: string, p: Partial<LinkParams>): void;
  /** Cuts or heals a link: TCP segments wait, datagrams are lost. */
  partition(a: string, b: string, on: boolean): void;
  /** Resets every TCP connection between two machines. */
  reset(a: string, b: string): void;
  /** A raw echo service on `host:port`: a peer machine's TCP stack, below any driver. */
  echo(host: string, port: number): void;
  /** A datagram from `from:fromPort` to `to:toPort`, through the link's faults. */
  udpSend(from: string, fromPort: number, to: string, toPort: number, data: number[]): void;
  /** Datagrams sent and not yet arrived or dropped. */
  udpInFlight(): number;
}

/** FaultNet over a VNet; an address no machine has is an Error. */
export class VNetFaults implements FaultNet {
  constructor(readonly vnet: VNet) {}

  private at(a: string): VHost {
    const h = this.vnet.hosts.find((x) => x.v4 === a);
    if (!h) throw new Error(`no machine at ${a}`);
    return h;
  }

  addHost(name: string): string { return this.vnet.addHost(name).v4; }
  link(a: string, b: string, p: Partial<LinkParams>): void { this.vnet.setLink(this.at(a), this.at(b), p); }
  partition(a: string, b: string, on: boolean): void { this.vnet.partition(this.at(a), this.at(b), on); }
  reset(a: string, b: string): void { this.vnet.reset(this.at(a), this.at(b)); }
  udpInFlight(): number { return this.vnet.udpInFlight; }

  echo(host: string, port: number): void {
    rawListen(this.at(host), port, (end) => ({
      onData: (b) => { end.send(b); end.consumed(b.length); },
      onEnd: () => end.end(),
    }));
  }

  udpSend(from: string, fromPort: number, to: string, toPort: number, data: number[]): void {
    this.vnet.udpSend(this.at(from), { family: 4, address: '0.0.0.0', port: fromPort }, { family: 4, address: to, port: toPort }, Uint8Array.from(data));
  }
}
