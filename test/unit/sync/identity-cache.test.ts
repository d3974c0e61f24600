/** pascom's list of extension numbers as the listener sees it: read once, then kept in step. */
import { describe, expect, it } from 'vitest';
import type { PascomRecord } from '../../../app/core/types.js';
import { PascomExtensionCache } from '../../../app/sync/identity-cache.js';

const ROLES = {
  login: '003use_name',
  extension: '009ext_extension',
  displayName: '003use_bez',
  authMethod: '003use_auth_method',
};

function cache(identities: PascomRecord[]): { cache: PascomExtensionCache; lists: () => number } {
  let lists = 0;
  const pascom = {
    forEachIdentity: async (visit: (identity: PascomRecord) => void) => {
      lists++;
      identities.forEach((identity) => visit(identity));
    },
  };
  return { cache: new PascomExtensionCache(pascom, () => ROLES), lists: () => lists };
}

const anchor = (login: string, extension: string) => ({
  uuid: `uuid-${login}`,
  login,
  dn: `uid=${login},cn=users,dc=example,dc=intranet`,
  extension,
  record: { '003use_name': login, '009ext_extension': extension },
});

describe('PascomExtensionCache', () => {
  it('reads pascom once for many lookups', async () => {
    const { cache: numbers, lists } = cache([{ '003use_name': 'anna', '009ext_extension': '100' }]);
    await numbers.extensions();
    await numbers.extensions();
    expect(lists()).toBe(1);
  });

  it('moves a number to the new login when the connector renames its identity', async () => {
    const { cache: numbers } = cache([{ '003use_name': 'anna', '009ext_extension': '100' }]);
    await numbers.extensions();
    numbers.noteSaved(anchor('anna.moved', '100'));
    expect((await numbers.extensions()).get('100')).toEqual({ login: 'anna.moved' });
  });

  it('frees the number of an identity the connector deleted, also after a rename', async () => {
    const { cache: numbers } = cache([{ '003use_name': 'anna', '009ext_extension': '100' }]);
    await numbers.extensions();
    numbers.noteSaved(anchor('anna.moved', '100'));
    numbers.noteDeleted('anna.moved');
    expect((await numbers.extensions()).has('100')).toBe(false);
  });

  it('frees the old number when the connector gives an identity a new one', async () => {
    const { cache: numbers } = cache([{ '003use_name': 'bob', '009ext_extension': '200' }]);
    await numbers.extensions();
    numbers.noteSaved(anchor('bob', '201'));
    const now = await numbers.extensions();
    expect([now.has('200'), now.get('201')]).toEqual([false, { login: 'bob' }]);
  });

  it('reads pascom again after invalidate()', async () => {
    const { cache: numbers, lists } = cache([]);
    await numbers.extensions();
    numbers.invalidate();
    await numbers.extensions();
    expect(lists()).toBe(2);
  });
});
