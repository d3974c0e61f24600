import { BerWriter } from 'ldapts';
import { describe, expect, it } from 'vitest';

import { AttributeNames, decodeSearchEntry, messageHead } from '../../../app/ldap/entry-decoder.js';
import { LdapProtocolError } from '../../../app/ldap/errors.js';

type Attributes = ReadonlyArray<readonly [string, readonly string[]]>;

/** An LDAPMessage holding a SearchResultEntry, encoded with ldapts's writer. */
function entryMessage(messageId: number, dn: string, attributes: Attributes): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInt(messageId);
  writer.startSequence(0x64);
  writer.writeString(dn);
  writer.startSequence();
  for (const [type, values] of attributes) {
    writer.startSequence();
    writer.writeString(type);
    writer.startSequence(0x31);
    for (const value of values) writer.writeString(value);
    writer.endSequence();
    writer.endSequence();
  }
  writer.endSequence();
  writer.endSequence();
  writer.endSequence();
  return writer.buffer;
}

const NAMES = new AttributeNames(['entryUUID', 'givenName', 'telephoneNumber']);
const DN = 'uid=j.gross,ou=Sales,dc=example,dc=intranet';

describe('decodeSearchEntry', () => {
  it('decodes the DN and every value of every attribute', () => {
    const message = entryMessage(3, DN, [
      ['givenName', ['Jürgen']],
      ['telephoneNumber', ['+49 1', '+49 2']],
    ]);
    expect(decodeSearchEntry(message, NAMES, undefined)).toEqual({
      dn: DN,
      attributes: { givenName: ['Jürgen'], telephoneNumber: ['+49 1', '+49 2'] },
      key: undefined,
    });
  });

  it('renames attributes to the requested spelling whatever case the server uses', () => {
    const message = entryMessage(3, DN, [
      ['GIVENNAME', ['Anna']],
      ['telephonenumber', ['1']],
    ]);
    expect(Object.keys(decodeSearchEntry(message, NAMES, undefined).attributes)).toEqual([
      'givenName',
      'telephoneNumber',
    ]);
  });

  it('keeps the server spelling of an attribute that was not requested', () => {
    const message = entryMessage(3, DN, [['modifyTimestamp', ['20240101000000Z']]]);
    expect(decodeSearchEntry(message, NAMES, undefined).attributes).toEqual({ modifyTimestamp: ['20240101000000Z'] });
  });

  it('does not confuse names that differ in a non-letter byte', () => {
    const names = new AttributeNames(['a-b']);
    const message = entryMessage(3, DN, [['a\rb', ['x']]]);
    expect(Object.keys(decodeSearchEntry(message, names, undefined).attributes)).toEqual(['a\rb']);
  });

  it('returns the key attribute separately and leaves it out of the attributes', () => {
    const message = entryMessage(3, DN, [
      ['entryuuid', ['0A1B-C']],
      ['givenName', ['Anna']],
    ]);
    const entry = decodeSearchEntry(message, NAMES, 'entryUUID');
    expect(entry.key).toBe('0A1B-C');
    expect(entry.attributes).toEqual({ givenName: ['Anna'] });
  });

  it('decodes values longer than 127 bytes (long-form lengths)', () => {
    const long = 'ä'.repeat(300);
    const entry = decodeSearchEntry(entryMessage(3, DN, [['givenName', [long]]]), NAMES, undefined);
    expect(entry.attributes['givenName']).toEqual([long]);
  });

  it('throws LdapProtocolError for a truncated message', () => {
    const message = entryMessage(3, DN, [['givenName', ['Anna']]]);
    expect(() => decodeSearchEntry(message.subarray(0, message.length - 3), NAMES, undefined)).toThrow(
      LdapProtocolError,
    );
  });

  it('throws LdapProtocolError when a value overruns its attribute', () => {
    const message = Buffer.from(entryMessage(3, DN, [['givenName', ['Anna']]]));
    const valueHeader = message.lastIndexOf(Buffer.from([0x04, 0x04]));
    message[valueHeader + 1] = 0x05;
    expect(() => decodeSearchEntry(message, NAMES, undefined)).toThrow(LdapProtocolError);
  });

  it('throws LdapProtocolError for a message that is not a SearchResultEntry', () => {
    const writer = new BerWriter();
    writer.startSequence();
    writer.writeInt(3);
    writer.startSequence(0x65);
    writer.endSequence();
    writer.endSequence();
    expect(() => decodeSearchEntry(writer.buffer, NAMES, undefined)).toThrow(LdapProtocolError);
  });
});

describe('messageHead', () => {
  it('reads the message id and the operation tag', () => {
    expect(messageHead(entryMessage(300, DN, []))).toEqual({ messageId: 300, opTag: 0x64 });
  });
});
