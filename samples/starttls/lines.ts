/** CRLF lines over a zsock stream socket. Reads one byte at a time: the TLS state of the
 *  connection may change after any line, so nothing past a line is ever read ahead. */
import * as Z from 'zsock';

const enc = new TextEncoder(), dec = new TextDecoder();

export class LineConn {
  private readonly one = new Uint8Array(1);

  constructor(readonly fd: number) {}

  /** The next line without its CR LF (LF alone is accepted), or null at the end. */
  async line(max = 1000): Promise<string | null> {
    const bytes: number[] = [];
    while (bytes.length < max) {
      const n = await Z.zsock_recv(this.fd, this.one, 0);
      if (n <= 0) return null;
      if (this.one[0] === 0x0a) break;
      bytes.push(this.one[0]);
    }
    if (bytes[bytes.length - 1] === 0x0d) bytes.pop();
    return dec.decode(new Uint8Array(bytes));
  }

  /** Sends `text` + CR LF, all of it. */
  async send(text: string): Promise<void> {
    const data = enc.encode(text + '\r\n');
    for (let at = 0; at < data.length;) {
      const n = await Z.zsock_send(this.fd, data.subarray(at), 0);
      if (n < 0) throw new Error(`send: ${n}`);
      at += n;
    }
  }
}
