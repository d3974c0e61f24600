/**
 * Decodes a SearchResultEntry straight from the LDAPMessage bytes into `{dn, attributes}`:
 * one pass with a bounds-checked cursor, no intermediate TLV objects. This is the hot loop of a
 * full sync (10,000 users ≈ 150,000 values), so attribute names are matched byte-wise against
 * the requested ones (case-insensitively, as LDAP compares them) and come out in the requested
 * spelling without decoding the name at all.
 *
 * Anything malformed throws `LdapProtocolError` (the project's "bytes do not follow LDAPv3").
 */
import { LdapProtocolError } from './errors.js';

const TAG = { sequence: 0x30, set: 0x31, integer: 0x02, octetString: 0x04, searchResultEntry: 0x64 } as const;

export interface SearchEntry {
  readonly dn: string;
  /** Attribute name (requested spelling, or the server's for unrequested ones) → values as UTF-8 text. */
  readonly attributes: Record<string, string[]>;
}

/** Requested attribute names, pre-encoded for byte-wise, case-insensitive matching. */
export class AttributeNames {
  private readonly lowered: Buffer[];
  private readonly spellings: string[];

  constructor(names: readonly string[]) {
    this.spellings = [...names];
    this.lowered = names.map((name) => Buffer.from(name.toLowerCase(), 'utf8'));
  }

  /** The requested spelling of the name at `buffer[start, end)`, or undefined when it was not requested. */
  match(buffer: Buffer, start: number, end: number): string | undefined {
    const length = end - start;
    for (let i = 0; i < this.lowered.length; i++) {
      const candidate = this.lowered[i];
      if (candidate === undefined || candidate.length !== length) continue;
      if (equalsIgnoringAsciiCase(buffer, start, candidate)) return this.spellings[i];
    }
    return undefined;
  }
}

/** Whether `buffer[start…]` equals `lower` (lower-case ASCII letters in `lower` match either case). */
function equalsIgnoringAsciiCase(buffer: Buffer, start: number, lower: Buffer): boolean {
  for (let j = 0; j < lower.length; j++) {
    const want = lower[j] ?? 0;
    const got = buffer[start + j] ?? -1;
    if (got === want) continue;
    if (want < 0x61 || want > 0x7a || got !== want - 0x20) return false;
  }
  return true;
}

/** The message id and protocolOp tag of an LDAPMessage, and where the op starts. */
export interface MessageHead {
  readonly messageId: number;
  readonly opTag: number;
}

/**
 * A forward-only reader over one LDAPMessage. `enter` reads a header, checks the tag and
 * returns the content's end; `pos` then points at the content.
 */
class Cursor {
  pos = 0;

  constructor(
    readonly buffer: Buffer,
    private readonly limit: number,
  ) {}

  peekTag(): number {
    const tag = this.buffer[this.pos];
    if (tag === undefined) throw new LdapProtocolError('Truncated LDAP message');
    return tag;
  }

  enter(tag: number, end: number, what: string): number {
    const got = this.buffer[this.pos];
    if (got !== tag) {
      const seen = got === undefined ? 'end of data' : `0x${got.toString(16)}`;
      throw new LdapProtocolError(`${what}: expected tag 0x${tag.toString(16)}, got ${seen}`);
    }
    let at = this.pos + 1;
    const first = this.buffer[at++];
    if (first === undefined) throw new LdapProtocolError(`${what}: truncated length`);
    let length = first;
    if (first >= 0x80) {
      const bytes = first & 0x7f;
      if (bytes === 0 || bytes > 4) throw new LdapProtocolError(`${what}: unsupported BER length form`);
      if (at + bytes > end) throw new LdapProtocolError(`${what}: truncated length`);
      length = this.buffer.readUIntBE(at, bytes);
      at += bytes;
    }
    const contentEnd = at + length;
    if (contentEnd > end || contentEnd > this.limit)
      throw new LdapProtocolError(`${what}: element overruns its parent`);
    this.pos = at;
    return contentEnd;
  }

  text(end: number): string {
    const value = this.buffer.toString('utf8', this.pos, end);
    this.pos = end;
    return value;
  }
}

/** Reads the envelope of an LDAPMessage; `cursor.pos` is left at the protocolOp. */
function readHead(cursor: Cursor, messageEnd: number): MessageHead {
  const idEnd = cursor.enter(TAG.integer, messageEnd, 'messageID');
  const idLength = idEnd - cursor.pos;
  if (idLength < 1 || idLength > 4) throw new LdapProtocolError(`messageID of ${idLength} bytes`);
  const messageId = cursor.buffer.readIntBE(cursor.pos, idLength);
  cursor.pos = idEnd;
  return { messageId, opTag: cursor.peekTag() };
}

/** The message id and operation of a whole LDAPMessage (`message` exactly one message, as the framer cuts them). */
export function messageHead(message: Buffer): MessageHead {
  const cursor = new Cursor(message, message.length);
  const end = cursor.enter(TAG.sequence, message.length, 'LDAPMessage');
  return readHead(cursor, end);
}

/**
 * Decodes a whole LDAPMessage holding a SearchResultEntry. Values of an attribute named
 * `keyAttribute` (matched case-insensitively) are not put in `attributes`: the first is returned
 * as `key` (an anchor such as entryUUID), so the caller does not have to delete it again.
 */
export function decodeSearchEntry(
  message: Buffer,
  names: AttributeNames,
  keyAttribute: string | undefined,
): SearchEntry & { key: string | undefined } {
  const cursor = new Cursor(message, message.length);
  const messageEnd = cursor.enter(TAG.sequence, message.length, 'LDAPMessage');
  readHead(cursor, messageEnd);
  const opEnd = cursor.enter(TAG.searchResultEntry, messageEnd, 'SearchResultEntry');
  const dnEnd = cursor.enter(TAG.octetString, opEnd, 'entry DN');
  const dn = cursor.text(dnEnd);
  const listEnd = cursor.enter(TAG.sequence, opEnd, 'entry attributes');
  const attributes: Record<string, string[]> = {};
  let key: string | undefined;
  while (cursor.pos < listEnd) {
    const attributeEnd = cursor.enter(TAG.sequence, listEnd, 'attribute');
    const typeEnd = cursor.enter(TAG.octetString, attributeEnd, 'attribute type');
    const name = names.match(message, cursor.pos, typeEnd) ?? message.toString('utf8', cursor.pos, typeEnd);
    cursor.pos = typeEnd;
    const setEnd = cursor.enter(TAG.set, attributeEnd, `values of ${name}`);
    const values: string[] = [];
    while (cursor.pos < setEnd) values.push(cursor.text(cursor.enter(TAG.octetString, setEnd, `value of ${name}`)));
    if (cursor.pos !== attributeEnd) throw new LdapProtocolError(`attribute ${name}: trailing bytes`);
    if (name === keyAttribute) key ??= values[0];
    else if (values.length > 0) attributes[name] = values;
  }
  if (cursor.pos !== listEnd || listEnd !== opEnd) throw new LdapProtocolError('SearchResultEntry: trailing bytes');
  return { dn, attributes, key };
}
