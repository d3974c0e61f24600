import { describe, expect, it } from 'vitest';
import {
  BlockSplitter,
  NotifierProtocolError,
  encodeHandshake,
  encodeRequest,
  parseHandshake,
  parseId,
  parseReply,
} from '../../../listener/translog/notifier-protocol.js';

describe('notifier protocol encoding', () => {
  it('greets with protocol version 3 and no capabilities', () => {
    expect(encodeHandshake()).toBe('Version: 3\nCapabilities: \n\n');
  });

  it.each([
    [1, 'GET_ID', 'MSGID: 1\nGET_ID\n\n'],
    [42, 'WAIT_ID 1007', 'MSGID: 42\nWAIT_ID 1007\n\n'],
    [7, 'ALIVE', 'MSGID: 7\nALIVE\n\n'],
  ])('frames request %i %s as one block ending in an empty line', (msgId, command, wire) => {
    expect(encodeRequest(msgId, command)).toBe(wire);
  });
});

describe('notifier protocol parsing', () => {
  it('reads the agreed version from the greeting', () => {
    expect(parseHandshake('Version: 2\nCapabilities: ')).toBe(2);
  });

  it('rejects a greeting without a version', () => {
    expect(() => parseHandshake('Capabilities: STARTTLS')).toThrow(NotifierProtocolError);
  });

  it('splits a reply into its MSGID and payload', () => {
    expect(parseReply('MSGID: 19\n11')).toEqual({ msgId: 19, payload: '11' });
  });

  it('rejects a block that does not start with MSGID', () => {
    expect(() => parseReply('11\nMSGID: 19')).toThrow(NotifierProtocolError);
  });

  it.each([
    ['0', 0],
    ['11', 11],
    [' 4711 ', 4711],
  ])('parses the id %j', (payload, id) => {
    expect(parseId(payload)).toBe(id);
  });

  it.each(['', 'OKAY', '-1', '12 cn=foo,dc=bar m', '99999999999999999999'])(
    'refuses %j as a transaction id',
    (payload) => {
      expect(() => parseId(payload)).toThrow(NotifierProtocolError);
    },
  );
});

describe('BlockSplitter', () => {
  it('returns nothing until a block is complete', () => {
    const splitter = new BlockSplitter();
    expect(splitter.push('MSGID: 1\n')).toEqual([]);
    expect(splitter.push('5\n')).toEqual([]);
    expect(splitter.push('\n')).toEqual(['MSGID: 1\n5']);
  });

  it('returns every block of a chunk in order and keeps the rest', () => {
    const splitter = new BlockSplitter();
    expect(splitter.push('Version: 3\nCapabilities: \n\nMSGID: 1\n5\n\nMSGID: 2\n')).toEqual([
      'Version: 3\nCapabilities: ',
      'MSGID: 1\n5',
    ]);
    expect(splitter.push('6\n\n')).toEqual(['MSGID: 2\n6']);
  });

  it('ignores stray empty lines between blocks', () => {
    expect(new BlockSplitter().push('\n\nMSGID: 3\nOKAY\n\n')).toEqual(['MSGID: 3\nOKAY']);
  });

  it('refuses a peer that never ends its block', () => {
    const splitter = new BlockSplitter(16);
    expect(() => splitter.push('MSGID: 1\n0123456789abcdef')).toThrow(NotifierProtocolError);
  });
});
