import { describe, expect, it } from 'vitest';

import { LdapProtocolError } from '../../../app/ldap/errors.js';
import {
  decodeSyncDoneValue,
  decodeSyncInfoValue,
  decodeSyncRequestValue,
  decodeSyncStateValue,
  encodeSyncRequestValue,
  formatUuid,
  uuidBytes,
} from '../../../app/ldap/rfc4533-codec.js';
import {
  UUID_A,
  UUID_A_BYTES,
  UUID_B,
  UUID_B_BYTES,
  boolean,
  bytes,
  enumerated,
  octets,
  sequence,
  tlv,
} from './ber-vectors.js';

const COOKIE = 'rid=000,csn=20240101000000.000000Z#000000#000#000000';

describe('encodeSyncRequestValue()', () => {
  it('encodes refreshAndPersist without a cookie as a bare mode', () => {
    expect(encodeSyncRequestValue({ mode: 'refreshAndPersist' })).toEqual(sequence(enumerated(3)));
  });

  it('encodes refreshOnly with a cookie', () => {
    expect(encodeSyncRequestValue({ mode: 'refreshOnly', cookie: 'rid=1' })).toEqual(
      sequence(enumerated(1), octets('rid=1')),
    );
  });

  it('writes reloadHint only when true (DEFAULT FALSE)', () => {
    expect(encodeSyncRequestValue({ mode: 'refreshOnly', reloadHint: true })).toEqual(
      sequence(enumerated(1), boolean(true)),
    );
    expect(encodeSyncRequestValue({ mode: 'refreshOnly', reloadHint: false })).toEqual(sequence(enumerated(1)));
  });

  it.each([
    { mode: 'refreshOnly', cookie: undefined, reloadHint: false },
    { mode: 'refreshAndPersist', cookie: COOKIE, reloadHint: false },
    { mode: 'refreshAndPersist', cookie: '\u00ff\u0000binary', reloadHint: true },
    { mode: 'refreshOnly', cookie: '', reloadHint: true },
  ] as const)('round-trips $mode with cookie $cookie and reloadHint $reloadHint', (value) => {
    expect(decodeSyncRequestValue(encodeSyncRequestValue(value))).toEqual(value);
  });
});

describe('decodeSyncStateValue()', () => {
  it.each([
    [0, 'present'],
    [1, 'add'],
    [2, 'modify'],
    [3, 'delete'],
  ] as const)('decodes state %i as %s', (number, state) => {
    expect(decodeSyncStateValue(sequence(enumerated(number), tlv(0x04, UUID_A_BYTES)))).toEqual({
      state,
      uuid: UUID_A,
      cookie: undefined,
    });
  });

  it('decodes the cookie when present', () => {
    expect(decodeSyncStateValue(sequence(enumerated(2), tlv(0x04, UUID_B_BYTES), octets(COOKIE)))).toEqual({
      state: 'modify',
      uuid: UUID_B,
      cookie: COOKIE,
    });
  });

  it.each([
    ['an undefined state', sequence(enumerated(4), tlv(0x04, UUID_A_BYTES))],
    ['a 15-byte uuid', sequence(enumerated(1), tlv(0x04, UUID_A_BYTES.subarray(1)))],
    ['a missing uuid', sequence(enumerated(1))],
    ['an INTEGER instead of ENUMERATED', sequence(tlv(0x02, bytes(1)), tlv(0x04, UUID_A_BYTES))],
    ['a truncated sequence', sequence(enumerated(1), tlv(0x04, UUID_A_BYTES)).subarray(0, 10)],
    ['trailing bytes', Buffer.concat([sequence(enumerated(1), tlv(0x04, UUID_A_BYTES)), bytes(0)])],
    ['an empty buffer', Buffer.alloc(0)],
    ['a boolean after the uuid', sequence(enumerated(1), tlv(0x04, UUID_A_BYTES), boolean(true))],
  ])('rejects %s with LdapProtocolError', (_what, input) => {
    expect(() => decodeSyncStateValue(input)).toThrow(LdapProtocolError);
  });
});

describe('decodeSyncDoneValue()', () => {
  it('defaults refreshDeletes to false and the cookie to absent', () => {
    expect(decodeSyncDoneValue(sequence())).toEqual({ cookie: undefined, refreshDeletes: false });
  });

  it('decodes cookie and refreshDeletes', () => {
    expect(decodeSyncDoneValue(sequence(octets(COOKIE), boolean(true)))).toEqual({
      cookie: COOKIE,
      refreshDeletes: true,
    });
  });

  it('rejects a cookie after the boolean', () => {
    expect(() => decodeSyncDoneValue(sequence(boolean(true), octets(COOKIE)))).toThrow(LdapProtocolError);
  });
});

describe('decodeSyncInfoValue()', () => {
  it('decodes newcookie sent primitive as 0x80 (what slapd sends)', () => {
    expect(decodeSyncInfoValue(tlv(0x80, Buffer.from(COOKIE)))).toEqual({ kind: 'newCookie', cookie: COOKIE });
  });

  it('decodes newcookie with the constructed bit set (0xa0) by class and number', () => {
    expect(decodeSyncInfoValue(tlv(0xa0, Buffer.from('c')))).toEqual({ kind: 'newCookie', cookie: 'c' });
  });

  it.each([
    [1, 'refreshDelete'],
    [2, 'refreshPresent'],
  ] as const)('decodes choice [%i] as %s with refreshDone defaulting to TRUE', (number, kind) => {
    expect(decodeSyncInfoValue(tlv(0xa0 | number))).toEqual({ kind, cookie: undefined, refreshDone: true });
  });

  it('decodes refreshPresent with a cookie and refreshDone FALSE', () => {
    expect(decodeSyncInfoValue(tlv(0xa2, octets(COOKIE), boolean(false)))).toEqual({
      kind: 'refreshPresent',
      cookie: COOKIE,
      refreshDone: false,
    });
  });

  it('decodes refreshDelete with only refreshDone', () => {
    expect(decodeSyncInfoValue(tlv(0xa1, boolean(false)))).toEqual({
      kind: 'refreshDelete',
      cookie: undefined,
      refreshDone: false,
    });
  });

  it('decodes syncIdSet with refreshDeletes defaulting to FALSE', () => {
    const value = tlv(0xa3, tlv(0x31, tlv(0x04, UUID_A_BYTES), tlv(0x04, UUID_B_BYTES)));
    expect(decodeSyncInfoValue(value)).toEqual({
      kind: 'syncIdSet',
      cookie: undefined,
      refreshDeletes: false,
      uuids: [UUID_A, UUID_B],
    });
  });

  it('decodes syncIdSet with cookie and refreshDeletes TRUE', () => {
    const value = tlv(0xa3, octets(COOKIE), boolean(true), tlv(0x31, tlv(0x04, UUID_B_BYTES)));
    expect(decodeSyncInfoValue(value)).toEqual({
      kind: 'syncIdSet',
      cookie: COOKIE,
      refreshDeletes: true,
      uuids: [UUID_B],
    });
  });

  it('decodes an empty syncIdSet', () => {
    expect(decodeSyncInfoValue(tlv(0xa3, tlv(0x31)))).toEqual({
      kind: 'syncIdSet',
      cookie: undefined,
      refreshDeletes: false,
      uuids: [],
    });
  });

  it.each([
    ['an undefined choice [4]', tlv(0xa4)],
    ['a universal tag', sequence()],
    ['an application tag', tlv(0x61)],
    ['syncIdSet without its SET', tlv(0xa3, octets('c'))],
    ['syncIdSet with a short uuid', tlv(0xa3, tlv(0x31, tlv(0x04, bytes(1, 2, 3))))],
    ['refreshPresent with an INTEGER inside', tlv(0xa2, tlv(0x02, bytes(1)))],
    ['a length running past the end', bytes(0xa2, 0x05, 0x01)],
    ['an indefinite length', bytes(0xa2, 0x80, 0x00, 0x00)],
    ['a five-byte length', bytes(0xa2, 0x85, 1, 1, 1, 1, 1)],
    ['a multi-byte tag', bytes(0xbf, 0x81, 0x00)],
    ['two elements', Buffer.concat([tlv(0xa1), tlv(0xa2)])],
    ['nothing', Buffer.alloc(0)],
  ])('rejects %s with LdapProtocolError', (_what, input) => {
    expect(() => decodeSyncInfoValue(input)).toThrow(LdapProtocolError);
  });
});

describe('formatUuid() / uuidBytes()', () => {
  it('formats 16 bytes as the canonical lower-case uuid', () => {
    expect(formatUuid(UUID_A_BYTES)).toBe(UUID_A);
  });

  it('parses upper-case uuids back to the same bytes', () => {
    expect(uuidBytes(UUID_B.toUpperCase())).toEqual(UUID_B_BYTES);
  });

  it('rejects a string that is not a uuid', () => {
    expect(() => uuidBytes('not-a-uuid')).toThrow(LdapProtocolError);
  });
});
