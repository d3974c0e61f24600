/**
 * The Univention Directory Notifier protocol, as read in UCS's
 * sources: univention-directory-notifier `doc/protokoll3.txt` and `src/callback.c`, and the
 * listener's `src/network.c`. Plain text over TCP 6669, no TLS, no authentication:
 *
 *   client: `Version: 3\nCapabilities: \n\n`      server: `Version: 3\nCapabilities: \n\n`
 *   client: `MSGID: 7\nGET_ID\n\n`                 server: `MSGID: 7\n<last id>\n\n`
 *   client: `MSGID: 8\nWAIT_ID <n>\n\n`            server, once transaction n exists: `MSGID: 8\n<last id>\n\n`
 *   client: `MSGID: 9\nALIVE\n\n`                  server: `MSGID: 9\nOKAY\n\n`
 *
 * WAIT_ID needs protocol 3; the server answers at once when n <= its last id. A connection
 * has one pending WAIT_ID: a newer one replaces it. The server parses each TCP read on its own,
 * so a request must travel in one write.
 */

/** TCP port of protocol 2 and later (listener network.c: NOTIFIER_PORT_PROTOCOL2). */
export const NOTIFIER_PORT = 6669;

/** The version this client speaks: the first with WAIT_ID. */
export const PROTOCOL_VERSION = 3;

export class NotifierProtocolError extends Error {
  override readonly name = 'NotifierProtocolError';
}

export function encodeHandshake(version: number = PROTOCOL_VERSION): string {
  return `Version: ${version}\nCapabilities: \n\n`;
}

export function encodeRequest(msgId: number, command: string): string {
  return `MSGID: ${msgId}\n${command}\n\n`;
}

/** The version the server agreed to, from its handshake block (lines `Name: value`). */
export function parseHandshake(block: string): number {
  for (const line of block.split('\n')) {
    const match = /^Version:\s*(\d+)\s*$/.exec(line);
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  throw new NotifierProtocolError(`the notifier's greeting has no version: ${JSON.stringify(block)}`);
}

export interface Reply {
  readonly msgId: number;
  /** Everything after the MSGID line (an id, `OKAY`, or for GET_DN `<id> <dn> <type>`). */
  readonly payload: string;
}

export function parseReply(block: string): Reply {
  const newline = block.indexOf('\n');
  const head = newline < 0 ? block : block.slice(0, newline);
  const match = /^MSGID: (\d+)$/.exec(head);
  if (match?.[1] === undefined) throw new NotifierProtocolError(`not a notifier reply: ${JSON.stringify(block)}`);
  return { msgId: Number(match[1]), payload: newline < 0 ? '' : block.slice(newline + 1) };
}

/** A transaction id in a reply payload (GET_ID, WAIT_ID): a non-negative decimal integer. */
export function parseId(payload: string): number {
  const text = payload.trim();
  if (!/^\d+$/.test(text)) throw new NotifierProtocolError(`expected a transaction id, got ${JSON.stringify(payload)}`);
  const id = Number(text);
  if (!Number.isSafeInteger(id)) throw new NotifierProtocolError(`transaction id out of range: ${text}`);
  return id;
}

/** Cuts a byte stream into blocks ending in an empty line; keeps a partial block for the next chunk. */
export class BlockSplitter {
  private buffer = '';

  /** Largest partial block kept (the server's own limit is a few KB): more means a broken peer. */
  constructor(private readonly maxPending = 65_536) {}

  push(chunk: string): string[] {
    this.buffer += chunk;
    const blocks: string[] = [];
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      // Stray empty lines between blocks carry nothing.
      if (block.trim() !== '') blocks.push(block.replace(/^\n+/, ''));
    }
    if (this.buffer.length > this.maxPending) throw new NotifierProtocolError('the notifier sent an over-long message');
    return blocks;
  }
}
