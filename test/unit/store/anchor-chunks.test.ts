/** AnchorRepository.uuidsAndDns(): every anchor once, in chunks, on a real (in-memory) SQLite database. */
import { beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../app/store/index.js';

let store: Store;

beforeEach(() => {
  store = Store.open(':memory:');
});

function save(uuid: string): void {
  store.anchors.save({ uuid, login: `l-${uuid}`, dn: `uid=${uuid},dc=x`, extension: undefined, record: {} }, 1);
}

describe('AnchorRepository.uuidsAndDns()', () => {
  it('yields nothing for an empty table', () => {
    expect([...store.anchors.uuidsAndDns(2)]).toEqual([]);
  });

  it.each([1, 2, 3, 5, 1000])('yields every anchor exactly once with chunks of %i', (chunk) => {
    for (const uuid of ['e', 'a', 'c', 'b', 'd']) save(uuid);
    expect([...store.anchors.uuidsAndDns(chunk)]).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((uuid) => ({ uuid, dn: `uid=${uuid},dc=x` })),
    );
  });

  it('lets the caller write between chunks (no cursor stays open)', () => {
    for (const uuid of ['a', 'b', 'c', 'd']) save(uuid);
    const seen: string[] = [];
    for (const { uuid } of store.anchors.uuidsAndDns(2)) {
      seen.push(uuid);
      if (uuid === 'b') store.anchors.remove('a');
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
  });
});
