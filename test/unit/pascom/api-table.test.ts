import { describe, expect, it } from 'vitest';
import { DEFAULT_API_TABLE, fillPath, resolveApiTable } from '../../../app/pascom/api-table.js';

describe('resolveApiTable()', () => {
  it('returns the contract of design.md §4 without overrides', () => {
    expect(resolveApiTable()).toEqual({
      paths: {
        list: '/identity/',
        get: '/identity/{login}',
        create: '/identity/',
        update: '/identity/{login}',
        delete: '/identity/{login}',
      },
      fields: {
        login: '003use_name',
        displayName: '003use_bez',
        extension: '009ext_extension',
        authMethod: '003use_auth_method',
        phonebook: 'post.phonebook',
        phonebookPrefix: '028pho_',
      },
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
