/** Anchors whose last push has no known outcome (a lost answer), settled against pascom's state. */
import { describe, expect, it } from 'vitest';
import { plan } from '../../../app/core/plan.js';
import { resolveTentative } from '../../../app/core/tentative.js';
import type { AnchorState, PascomRecord } from '../../../app/core/types.js';
import { identity, rules, TODAY, user } from './builders.js';

const anna = user('anna');
const moved = user('anna.moved', {}, anna.uuid);

function tentative(login: string, from: string): AnchorState {
  return { uuid: anna.uuid, login, dn: anna.dn, record: identity(login), tentativeFrom: from };
}

const lookupIn =
  (...held: PascomRecord[]) =>
  (login: string): PascomRecord | undefined =>
    held.find((record) => record['003use_name'] === login);

describe('resolveTentative', () => {
  it('confirms the login that was sent when pascom holds it', () => {
    const resolved = resolveTentative(tentative('anna.moved', 'anna'), lookupIn(identity('anna.moved')));
    expect(resolved.anchor).toMatchObject({ login: 'anna.moved', tentativeFrom: undefined });
    expect(resolved.current?.['003use_name']).toBe('anna.moved');
  });

  it('falls back to the login from before a rename that did not land', () => {
    const resolved = resolveTentative(tentative('anna.moved', 'anna'), lookupIn(identity('anna')));
    expect(resolved.anchor).toMatchObject({ login: 'anna', tentativeFrom: undefined });
  });

  it('keeps the anchor tentative, with nothing current, when pascom holds neither', () => {
    const resolved = resolveTentative(tentative('anna', ''), lookupIn());
    expect([resolved.anchor.tentativeFrom, resolved.current]).toEqual(['', undefined]);
  });
});

describe('a full plan with a tentative anchor', () => {
  const input = (anchor: AnchorState, identities: PascomRecord[], users = [moved]) => ({
    users,
    identities,
    anchors: [anchor],
    rules: rules(),
    todayDays: TODAY,
    confirmDeletes: false,
  });

  it('renames the identity a lost create made instead of creating a second one', () => {
    const { operations } = plan(input(tentative('anna', ''), [identity('anna')]));
    expect(operations).toEqual([expect.objectContaining({ kind: 'update', login: 'anna', uuid: anna.uuid })]);
    expect(operations[0]?.kind === 'update' && operations[0].record['003use_name']).toBe('anna.moved');
  });

  it('creates the user when the lost create never reached pascom', () => {
    const { operations } = plan(input(tentative('anna', ''), []));
    expect(operations).toEqual([expect.objectContaining({ kind: 'create', login: 'anna.moved' })]);
  });

  it('deletes the identity a lost create made when the user left the filter meanwhile', () => {
    const { operations } = plan(input(tentative('anna', ''), [identity('anna')], []));
    expect(operations).toEqual([expect.objectContaining({ kind: 'delete', login: 'anna' })]);
  });
});
