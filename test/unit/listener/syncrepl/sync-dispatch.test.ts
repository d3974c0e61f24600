import { describe, expect, it } from 'vitest';

import {
  LdapBindError,
  LdapProtocolError,
  SyncRefreshRequiredError,
  SyncUnavailableError,
} from '../../../../app/ldap/errors.js';
import { decodeMessage, encodeSyncSearch } from '../../../../app/ldap/ldap-messages.js';
import { MessageFramer } from '../../../../app/ldap/message-framer.js';
import { SYNC_OIDS, encodeSyncRequestValue } from '../../../../app/ldap/rfc4533-codec.js';
import { syncEventsOf } from '../../../../listener/syncrepl/sync-dispatch.js';
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
} from '../../ldap/ber-vectors.js';

const DN = 'uid=jdoe,cn=users,dc=example,dc=intranet';

function message(op: Buffer, ...controls: Buffer[]): Buffer {
  return sequence(tlv(0x02, bytes(3)), op, ...(controls.length > 0 ? [tlv(0xa0, ...controls)] : []));
}
const control = (oid: string, value: Buffer): Buffer => sequence(octets(oid), octets(value.toString('latin1')));
const syncState = (state: number, uuid: Buffer, cookie?: string): Buffer =>
  control(
    SYNC_OIDS.state,
    sequence(enumerated(state), tlv(0x04, uuid), ...(cookie === undefined ? [] : [octets(cookie)])),
  );
const attribute = (type: string, ...values: string[]): Buffer =>
  sequence(octets(type), tlv(0x31, ...values.map((value) => octets(value))));
const entry = (dn: string, ...attributes: Buffer[]): Buffer => tlv(0x64, octets(dn), sequence(...attributes));
const result = (tag: number, code: number, diagnostic = ''): Buffer =>
  tlv(tag, enumerated(code), octets(''), octets(diagnostic));
const info = (value: Buffer): Buffer => tlv(0x79, tlv(0x80, Buffer.from(SYNC_OIDS.info)), tlv(0x81, value));

const CTX = { url: 'ldap://ucs.example:7389', operation: 'sync search', bindDn: 'cn=pascom,cn=computers,dc=example' };
const eventsOf = (raw: Buffer): ReturnType<typeof syncEventsOf> => syncEventsOf(decodeMessage(raw), CTX);

describe('syncEventsOf()', () => {
  it('reports an added entry with its attributes, uuid and cookie', () => {
    const raw = message(
      entry(DN, attribute('uid', 'jdoe'), attribute('telephoneNumber', '100', '+49 30 100')),
      syncState(1, UUID_A_BYTES, 'c1'),
    );
    expect(eventsOf(raw)).toEqual([
      {
        type: 'entry',
        state: 'add',
        uuid: UUID_A,
        dn: DN,
        attributes: { uid: ['jdoe'], telephoneNumber: ['100', '+49 30 100'] },
        cookie: 'c1',
      },
    ]);
  });

  it('reports a present entry without attributes', () => {
    expect(eventsOf(message(entry(DN), syncState(0, UUID_B_BYTES)))).toEqual([
      { type: 'entry', state: 'present', uuid: UUID_B, dn: DN, attributes: {}, cookie: undefined },
    ]);
  });

  it('reports a deleted entry as delete with its DN', () => {
    expect(eventsOf(message(entry(DN), syncState(3, UUID_A_BYTES, 'c2')))).toEqual([
      { type: 'delete', uuid: UUID_A, dn: DN, cookie: 'c2' },
    ]);
  });

  it('rejects an entry without a Sync State control', () => {
    expect(() => eventsOf(message(entry(DN)))).toThrow(LdapProtocolError);
  });

  it('reports newcookie as a cookie event', () => {
    expect(eventsOf(message(info(tlv(0x80, Buffer.from('c3')))))).toEqual([{ type: 'cookie', cookie: 'c3' }]);
  });

  it('follows a finished refreshPresent with refreshDone', () => {
    expect(eventsOf(message(info(tlv(0xa2, octets('c4')))))).toEqual([
      { type: 'present', refreshDone: true, cookie: 'c4' },
      { type: 'refreshDone' },
    ]);
  });

  it('reports an unfinished refreshDelete phase without refreshDone', () => {
    expect(eventsOf(message(info(tlv(0xa1, boolean(false)))))).toEqual([
      { type: 'refreshDelete', refreshDone: false, cookie: undefined },
    ]);
  });

  it('reports a syncIdSet of deleted uuids', () => {
    const raw = message(info(tlv(0xa3, boolean(true), tlv(0x31, tlv(0x04, UUID_A_BYTES)))));
    expect(eventsOf(raw)).toEqual([{ type: 'idSet', uuids: [UUID_A], refreshDeletes: true, cookie: undefined }]);
  });

  it('rejects an IntermediateResponse that is not Sync Info', () => {
    expect(() => eventsOf(message(tlv(0x79, tlv(0x80, Buffer.from('1.2.3')))))).toThrow(LdapProtocolError);
  });

  it('reports SearchResultDone with its Sync Done control', () => {
    const raw = message(result(0x65, 0), control(SYNC_OIDS.done, sequence(octets('c5'), boolean(true))));
    expect(eventsOf(raw)).toEqual([{ type: 'done', code: 0, cookie: 'c5', refreshDeletes: true }]);
  });

  it.each([
    [4096, SyncRefreshRequiredError],
    [53, SyncRefreshRequiredError],
    [12, SyncUnavailableError],
    [49, LdapBindError],
  ])('turns SearchResultDone with result %i into an error event of %o', (code, type) => {
    const [event] = eventsOf(message(result(0x65, code, 'why')));
    expect(event?.type === 'error' && event.error).toBeInstanceOf(type);
  });

  it('ignores search references', () => {
    expect(eventsOf(message(tlv(0x73, octets('ldap://elsewhere/'))))).toEqual([]);
  });

  it('rejects an operation that does not belong in a search', () => {
    expect(() => eventsOf(message(result(0x67, 0)))).toThrow(LdapProtocolError);
  });
});

describe('decodeMessage()', () => {
  it.each([
    ['no protocolOp', sequence(tlv(0x02, bytes(1)))],
    ['a string message id', sequence(octets('1'), result(0x65, 0))],
    ['controls with a wrong tag', sequence(tlv(0x02, bytes(1)), result(0x65, 0), tlv(0xa1))],
    ['a control without a type', message(result(0x65, 0), sequence(boolean(true)))],
  ])('rejects %s with LdapProtocolError', (_what, raw) => {
    expect(() => decodeMessage(raw)).toThrow(LdapProtocolError);
  });
});

describe('encodeSyncSearch()', () => {
  it('writes a search with time and size limit 0 and the Sync Request control', () => {
    const raw = encodeSyncSearch(7, {
      baseDn: 'dc=example,dc=intranet',
      filter: '(uid=jdoe)',
      attributes: ['uid', 'entryUUID'],
      sync: { mode: 'refreshAndPersist', cookie: 'c6' },
      critical: true,
    });
    const decoded = decodeMessage(raw);
    expect(decoded.messageId).toBe(7);
    expect(decoded.op.tag).toBe(0x63);
    expect(decoded.op.value.includes(Buffer.concat([tlv(0x02, bytes(0)), tlv(0x02, bytes(0))]))).toBe(true);
    expect(decoded.controls).toEqual([
      {
        type: SYNC_OIDS.request,
        critical: true,
        value: encodeSyncRequestValue({ mode: 'refreshAndPersist', cookie: 'c6' }),
      },
    ]);
  });
});

describe('MessageFramer', () => {
  const one = message(result(0x65, 0));
  const two = message(entry(DN), syncState(0, UUID_A_BYTES));

  it('returns whole messages only, keeping a partial one for the next chunk', () => {
    const stream = Buffer.concat([one, two]);
    const framer = new MessageFramer();
    expect(framer.push(stream.subarray(0, one.length + 3))).toEqual([one]);
    expect(framer.push(stream.subarray(one.length + 3))).toEqual([two]);
    expect(framer.buffered).toBe(0);
  });

  it('handles a message split inside its length header', () => {
    const big = sequence(tlv(0x02, bytes(1)), Buffer.alloc(0));
    const long = Buffer.concat([bytes(0x30, 0x82, 0x00, big.length - 2), big.subarray(2)]);
    const framer = new MessageFramer();
    expect(framer.push(long.subarray(0, 2))).toEqual([]);
    expect(framer.push(long.subarray(2))).toEqual([long]);
  });

  it('rejects an indefinite length instead of waiting forever', () => {
    expect(() => new MessageFramer().push(bytes(0x30, 0x80))).toThrow(LdapProtocolError);
  });
});
