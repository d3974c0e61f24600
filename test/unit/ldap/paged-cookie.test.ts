import { BerWriter } from 'ldapts';
import { describe, expect, it } from 'vitest';

import { LdapProtocolError } from '../../../app/ldap/errors.js';
import { PAGED_RESULTS_OID, nextCookie } from '../../../app/ldap/paged-search.js';

function pagedValue(size: number, cookie: Buffer): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInt(size);
  writer.writeBuffer(cookie, 0x04);
  writer.endSequence();
  return writer.buffer;
}

describe('nextCookie', () => {
  it('returns the cookie of the paged results control', () => {
    const cookie = Buffer.from([1, 2, 3, 0xff]);
    const controls = [{ type: PAGED_RESULTS_OID, critical: false, value: pagedValue(0, cookie) }];
    expect(nextCookie(controls)).toEqual(cookie);
  });

  it('returns undefined for an empty cookie (the last page)', () => {
    expect(
      nextCookie([{ type: PAGED_RESULTS_OID, critical: false, value: pagedValue(0, Buffer.alloc(0)) }]),
    ).toBeUndefined();
  });

  it('returns undefined when the server sent no paged results control (no paging)', () => {
    expect(nextCookie([{ type: '1.2.3', critical: false, value: Buffer.from([0x30, 0x00]) }])).toBeUndefined();
  });

  it('throws LdapProtocolError for a malformed control value', () => {
    expect(() =>
      nextCookie([{ type: PAGED_RESULTS_OID, critical: false, value: Buffer.from([0x30, 0x05, 0x02]) }]),
    ).toThrow(LdapProtocolError);
  });
});
