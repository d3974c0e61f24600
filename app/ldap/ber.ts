/**
 * A strict BER (X.690) TLV reader for the LDAP responses decoded here (the sync search, paged reads).
 *
 * Why not ldapts's BerReader: it reports truncated input as `null` instead of failing,
 * tracks no element ends (every caller recomputes them) and matches tags byte for byte, while
 * RFC 4533 needs "context class, number N, either form" (slapd sends `newcookie` as 0x80).
 * Here every element is bounds-checked once and any malformation throws `LdapProtocolError`,
 * so garbage from the wire can never crash the process. Encoding still uses ldapts's BerWriter.
 */
import { LdapProtocolError } from './errors.js';

export const TAG_CLASS = { universal: 0, application: 1, context: 2, private: 3 } as const;
export type TagClass = (typeof TAG_CLASS)[keyof typeof TAG_CLASS];

export const UNIVERSAL = {
  boolean: 0x01,
  integer: 0x02,
  octetString: 0x04,
  enumerated: 0x0a,
  sequence: 0x30,
  set: 0x31,
} as const;

/** One decoded element. `value` is a view into the input (no copy). */
export interface Tlv {
  /** The identifier octet as sent. */
  readonly tag: number;
  readonly tagClass: TagClass;
  readonly constructed: boolean;
  readonly tagNumber: number;
  readonly value: Buffer;
  /** Offset just past this element in the buffer it was read from. */
  readonly end: number;
}

/** Refuse absurd lengths up front (a corrupt header must not make us wait for 4 GiB). */
export const MAX_ELEMENT_LENGTH = 64 * 1024 * 1024;

/**
 * Reads the header at `offset`: the identifier octet, the content offset and length.
 * Returns undefined when `buffer` ends before the header does (more bytes may come).
 */
export function readHeader(
  buffer: Buffer,
  offset: number,
): { tag: number; contentStart: number; length: number } | undefined {
  const tag = buffer[offset];
  const first = buffer[offset + 1];
  if (tag === undefined || first === undefined) return undefined;
  if ((tag & 0x1f) === 0x1f)
    throw new LdapProtocolError(`Multi-byte BER tags are not used by LDAP (tag 0x${hex(tag)})`);
  if (first < 0x80) return { tag, contentStart: offset + 2, length: first };
  const lengthBytes = first & 0x7f;
  if (lengthBytes === 0) throw new LdapProtocolError('Indefinite BER length is not allowed in LDAP');
  if (lengthBytes > 4) throw new LdapProtocolError(`BER length of ${lengthBytes} bytes is too long`);
  if (buffer.length < offset + 2 + lengthBytes) return undefined;
  const length = buffer.readUIntBE(offset + 2, lengthBytes);
  if (length > MAX_ELEMENT_LENGTH) throw new LdapProtocolError(`BER element of ${length} bytes exceeds the limit`);
  return { tag, contentStart: offset + 2 + lengthBytes, length };
}

/** Reads one complete element at `offset`; a truncated element is a protocol error. */
export function readTlv(buffer: Buffer, offset = 0): Tlv {
  const header = readHeader(buffer, offset);
  if (header === undefined) throw new LdapProtocolError('Truncated BER header');
  const end = header.contentStart + header.length;
  if (end > buffer.length)
    throw new LdapProtocolError(`Truncated BER element: needs ${end - offset} bytes, has ${buffer.length - offset}`);
  return {
    tag: header.tag,
    tagClass: tagClassOf(header.tag),
    constructed: (header.tag & 0x20) !== 0,
    tagNumber: header.tag & 0x1f,
    value: buffer.subarray(header.contentStart, end),
    end,
  };
}

/** Reads exactly one element that must fill `buffer`. */
export function readSingle(buffer: Buffer, what: string): Tlv {
  const tlv = readTlv(buffer, 0);
  if (tlv.end !== buffer.length) throw new LdapProtocolError(`${what}: ${buffer.length - tlv.end} trailing bytes`);
  return tlv;
}

/** The elements inside a constructed element's content. */
export function readChildren(content: Buffer): Tlv[] {
  const children: Tlv[] = [];
  let offset = 0;
  while (offset < content.length) {
    const child = readTlv(content, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv === undefined) throw new LdapProtocolError(`${what}: missing`);
  if (tlv.tag !== tag) throw new LdapProtocolError(`${what}: expected tag 0x${hex(tag)}, got 0x${hex(tlv.tag)}`);
  return tlv;
}

/** A two's-complement INTEGER or ENUMERATED of up to 6 bytes (safe-integer range). */
export function decodeInteger(tlv: Tlv, what: string): number {
  const { value } = tlv;
  if (value.length === 0 || value.length > 6) throw new LdapProtocolError(`${what}: integer of ${value.length} bytes`);
  return value.readIntBE(0, value.length);
}

export function decodeBoolean(tlv: Tlv, what: string): boolean {
  if (tlv.value.length !== 1) throw new LdapProtocolError(`${what}: boolean of ${tlv.value.length} bytes`);
  return tlv.value[0] !== 0;
}

export function decodeUtf8(tlv: Tlv): string {
  return tlv.value.toString('utf8');
}

function tagClassOf(tag: number): TagClass {
  const bits = tag >> 6;
  if (bits === 0) return TAG_CLASS.universal;
  if (bits === 1) return TAG_CLASS.application;
  if (bits === 2) return TAG_CLASS.context;
  return TAG_CLASS.private;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
