import { describe, expect, it } from 'vitest';
import { DEFAULT_API_TABLE, fillPath, fillProfile, resolveApiTable } from '../../../app/pascom/api-table.js';

describe('resolveApiTable()', () => {
  it('returns the documented contract without overrides', () => {
    expect(resolveApiTable()).toEqual({
      paths: {
        list: '/identity/',
        get: '/identity/{login}',
        create: '/identity/',
        update: '/identity/{login}',
        delete: '/identity/{login}',
        push: '/connector/{profile}/push',
      },
      fields: {
        login: '003use_name',
        displayName: '003use_bez',
        extension: '009ext_extension',
        authMethod: '003use_auth_method',
        phonebook: 'post.phonebook',
        phonebookPrefix: '028pho_',
      },
      list: { cap: 100, paging: undefined },
    });
  });

  it('replaces only the overridden entries', () => {
    const table = resolveApiTable({ paths: { create: '/identities/new' }, fields: { login: 'username' } });
    expect(table.paths).toEqual({ ...DEFAULT_API_TABLE.paths, create: '/identities/new' });
    expect(table.fields).toEqual({ ...DEFAULT_API_TABLE.fields, login: 'username' });
  });

  it('ignores overrides that are undefined', () => {
    expect(resolveApiTable({ paths: { list: undefined }, fields: undefined })).toEqual(DEFAULT_API_TABLE);
  });

  it('does not change the defaults or the overrides object', () => {
    const overrides = { paths: { list: '/x/' } };
    const before = structuredClone(DEFAULT_API_TABLE);
    resolveApiTable(overrides);
    expect(DEFAULT_API_TABLE).toEqual(before);
    expect(overrides).toEqual({ paths: { list: '/x/' } });
  });

  it.each([
    [{ paths: { get: '/identity/' } }, /paths.get must contain \{login\}/],
    [{ paths: { update: '/identity/x' } }, /paths.update must contain \{login\}/],
    [{ paths: { delete: 'identity/{login}' } }, /paths.delete must start with "\/"/],
    [{ fields: { login: ' ' } }, /fields.login must not be empty/],
    [{ fields: { phonebook: 'post..phonebook' } }, /fields.phonebook is not a dotted path/],
    [{ paths: { push: '/connector/push' } }, /paths.push must contain \{profile\}/],
    [{ paths: { apply: 'apply' } }, /paths.apply must start with "\/"/],
    [{ paging: { limitParam: 'limit', offsetParam: 'offset', pageSize: 0 } }, /paging.pageSize must be a positive/],
  ])('refuses an unusable table: %j', (overrides, message) => {
    expect(() => resolveApiTable(overrides)).toThrow(message);
  });
});

describe('fillPath()', () => {
  it('puts the URL-encoded login into the template', () => {
    expect(fillPath('/identity/{login}', 'a b/c')).toBe('/identity/a%20b%2Fc');
  });

  it('leaves a template without login alone', () => {
    expect(fillPath('/identity/')).toBe('/identity/');
  });
});

describe('fillProfile()', () => {
  it('puts the URL-encoded connector profile into the push path', () => {
    expect(fillProfile('/connector/{profile}/push', 'UCS users')).toBe('/connector/UCS%20users/push');
  });
});

describe('list reading', () => {
  it('caps an unpaged list at 100 by default and takes paging and the cap from the overrides', () => {
    expect(resolveApiTable().list).toEqual({ cap: 100, paging: undefined });
    const paging = { limitParam: 'limit', offsetParam: 'offset', pageSize: 50 };
    expect(resolveApiTable({ paging, listCap: 0 }).list).toEqual({ cap: 0, paging });
  });
});
