import { describe, expect, it } from 'vitest';
import { DEFAULT_API_TABLE, resolveApiTable } from '../../../app/pascom/api-table.js';
import { fromWire, toWire } from '../../../app/pascom/wire.js';

const table = DEFAULT_API_TABLE;

describe('toWire()', () => {
  it('nests phonebook fields under post.phonebook[0]', () => {
    const record = {
      '003use_name': 'jdoe',
      '003use_bez': 'John Doe',
      '028pho_firstname': 'John',
      '028pho_mobile': '+491701234567',
    };
    expect(toWire(record, table)).toEqual({
      '003use_name': 'jdoe',
      '003use_bez': 'John Doe',
      post: { phonebook: [{ '028pho_firstname': 'John', '028pho_mobile': '+491701234567' }] },
    });
  });

  it('omits the phonebook when the record has no phonebook field', () => {
    expect(toWire({ '003use_name': 'jdoe', '016voi_email': 'j@example.com' }, table)).toEqual({
      '003use_name': 'jdoe',
      '016voi_email': 'j@example.com',
    });
  });

  it('follows an overridden phonebook path and prefix', () => {
    const custom = resolveApiTable({ fields: { phonebook: 'contact.book.entries', phonebookPrefix: 'pb_' } });
    expect(toWire({ login: 'x', pb_mobile: '1', '028pho_mobile': '2' }, custom)).toEqual({
      login: 'x',
      '028pho_mobile': '2',
      contact: { book: { entries: [{ pb_mobile: '1' }] } },
    });
  });

  it('does not modify the record', () => {
    const record = Object.freeze({ '003use_name': 'jdoe', '028pho_mobile': '1' });
    toWire(record, table);
    expect(record).toEqual({ '003use_name': 'jdoe', '028pho_mobile': '1' });
  });
});

describe('fromWire()', () => {
  it('flattens post.phonebook[0] into the record', () => {
    const json = { '003use_name': 'jdoe', post: { phonebook: [{ '028pho_lastname': 'Doe' }] } };
    expect(fromWire(json, table)).toEqual({ '003use_name': 'jdoe', '028pho_lastname': 'Doe' });
  });

  it('is the inverse of toWire()', () => {
    const record = {
      '003use_name': 'jdoe',
      '003use_bez': 'J',
      '009ext_extension': '101',
      '028pho_email': 'j@example.com',
    };
    expect(fromWire(toWire(record, table), table)).toEqual(record);
  });

  it('turns numbers and booleans into strings', () => {
    expect(
      fromWire({ '009ext_extension': 101, active: true, post: { phonebook: [{ '028pho_mobile': 4917 }] } }, table),
    ).toEqual({
      '009ext_extension': '101',
      active: 'true',
      '028pho_mobile': '4917',
    });
  });

  it('drops null values and unknown nested values', () => {
    expect(fromWire({ '003use_name': 'jdoe', '016voi_email': null, groups: [1, 2], meta: { a: 1 } }, table)).toEqual({
      '003use_name': 'jdoe',
    });
  });

  it.each([
    ['post is a string', { post: 'x' }],
    ['phonebook is an object', { post: { phonebook: { '028pho_mobile': '1' } } }],
    ['phonebook is empty', { post: { phonebook: [] } }],
    ['the first entry is not an object', { post: { phonebook: ['x', { '028pho_mobile': '1' }] } }],
  ])('ignores a phonebook shape it does not know: %s', (_case, json) => {
    expect(fromWire({ '003use_name': 'jdoe', ...json }, table)).toEqual({ '003use_name': 'jdoe' });
  });

  it('takes only prefixed fields from the phonebook entry', () => {
    expect(fromWire({ post: { phonebook: [{ id: 7, '028pho_mobile': '1' }] } }, table)).toEqual({
      '028pho_mobile': '1',
    });
  });
});
