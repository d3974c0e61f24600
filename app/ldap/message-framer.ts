/**
 * Cuts a TCP byte stream into whole LDAPMessages. Bytes of an incomplete message are kept
 * until the rest arrives; a corrupt header throws `LdapProtocolError` (from readHeader).
 */
import { readHeader } from './ber.js';

export class MessageFramer {
  private pending: Buffer = Buffer.alloc(0);

  /** Appends `chunk` and returns every message that is now complete, in order. */
  push(chunk: Buffer): Buffer[] {
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const header = readHeader(buffer, offset);
      if (header === undefined) break;
      const end = header.contentStart + header.length;
      if (end > buffer.length) break;
      messages.push(buffer.subarray(offset, end));
      offset = end;
    }
    // Copy the tail so the (possibly large) chunk it points into can be freed.
    this.pending = offset === buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(offset));
    return messages;
  }

  /** Bytes received that do not yet form a whole message. */
  get buffered(): number {
    return this.pending.length;
  }
}
