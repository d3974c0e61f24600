/** goneFromPresentSet(): which managed users a present set reports gone, and when the guard holds them back. */
import { describe, expect, it } from 'vitest';
import { goneFromPresentSet, type ManagedAnchor } from '../../../app/core/present-set.js';

const anchor = (uuid: string): ManagedAnchor => ({ uuid, dn: `uid=${uuid},cn=users,dc=x` });
const managed = (...uuids: string[]): ManagedAnchor[] => uuids.map(anchor);

describe('goneFromPresentSet()', () => {
  it('reports nothing when every managed user is present', () => {
    expect(goneFromPresentSet(managed('a', 'b'), new Set(['a', 'b', 'c']), 10)).toEqual({ kind: 'gone', events: [] });
  });

  it('reports each managed user missing from the set as gone, with its last DN', () => {
    expect(goneFromPresentSet(managed('a', 'b', 'c'), new Set(['b']), 10)).toEqual({
      kind: 'gone',
      events: [
        { kind: 'gone', uuid: 'a', dn: 'uid=a,cn=users,dc=x' },
        { kind: 'gone', uuid: 'c', dn: 'uid=c,cn=users,dc=x' },
      ],
    });
  });

  it('lets exactly deletes.maxPerRun through', () => {
    const outcome = goneFromPresentSet(managed('a', 'b', 'c'), new Set<string>(), 3);
    expect(outcome.kind).toBe('gone');
    expect(outcome.kind === 'gone' && outcome.events.map((e) => e.uuid)).toEqual(['a', 'b', 'c']);
  });

  it('holds back all deletes when more than deletes.maxPerRun are missing, and counts them', () => {
    expect(goneFromPresentSet(managed('a', 'b', 'c', 'd'), new Set(['d']), 2)).toEqual({
      kind: 'heldBack',
      gone: 3,
      maxPerRun: 2,
    });
  });

  it('holds back a single delete when deletes.maxPerRun is 0', () => {
    expect(goneFromPresentSet(managed('a'), new Set<string>(), 0)).toEqual({ kind: 'heldBack', gone: 1, maxPerRun: 0 });
  });

  it('reads the anchors once, as a stream (a generator from the store works)', () => {
    let reads = 0;
    function* stream(): Generator<ManagedAnchor> {
      for (const uuid of ['a', 'b', 'c']) {
        reads += 1;
        yield anchor(uuid);
      }
    }
    const outcome = goneFromPresentSet(stream(), new Set(['a', 'c']), 5);
    expect(reads).toBe(3);
    expect(outcome).toEqual({ kind: 'gone', events: [{ kind: 'gone', uuid: 'b', dn: 'uid=b,cn=users,dc=x' }] });
  });
});
