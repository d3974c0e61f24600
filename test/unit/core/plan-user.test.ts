import { describe, expect, it } from 'vitest';
import { plan, planUser, type PlanUserInput } from '../../../app/core/plan.js';
import type { Holder } from '../../../app/core/reasons.js';
import type { AnchorState, DirectoryUser, Operation } from '../../../app/core/types.js';
import { anchorOf, dnOf, identity, rules, TODAY, user, uuidOf } from './builders.js';

function upsert(
  u: DirectoryUser,
  anchor: AnchorState | undefined,
  extra: Partial<PlanUserInput> = {},
): Operation | undefined {
  return planUser({
    event: { kind: 'upsert', uuid: u.uuid, user: u },
    anchor,
    rules: rules(),
    todayDays: TODAY,
    takenExtensions: new Map(),
    ...extra,
  });
}

/** The anchor a full plan would have left behind for `u`. */
function pushed(u: DirectoryUser): AnchorState {
  const op = plan({ users: [u], identities: [], anchors: [], rules: rules(), todayDays: TODAY, confirmDeletes: false })
    .operations[0];
  if (op?.kind !== 'create') throw new Error('expected a create');
  return anchorOf(u, op.record, op.record['009ext_extension']);
}

function holder(login: string): Holder {
  return { uuid: uuidOf(login), login, dn: dnOf(login) };
}

describe('planUser', () => {
  it('creates a user without anchor', () => {
    expect(upsert(user('jdoe'), undefined)).toMatchObject({
      kind: 'create',
      login: 'jdoe',
      record: { '009ext_extension': '100' },
    });
  });

  it("compares with the anchor's last pushed record", () => {
    const u = user('jdoe', { mobile: '0170 1' });
    const anchor = pushed(u);
    expect(upsert(u, anchor)?.kind).toBe('unchanged');
    const changed = user('jdoe', { mobile: '0170 2' });
    expect(upsert(changed, anchor)).toMatchObject({
      kind: 'update',
      changes: { '028pho_mobile': { from: '01701', to: '01702' } },
    });
  });

  it('turns a rename into a login change keyed by the old login', () => {
    const anchor = pushed(user('jdoe'));
    const renamed = user('john.doe', {}, anchor.uuid);
    expect(upsert(renamed, anchor)).toMatchObject({
      kind: 'update',
      login: 'jdoe',
      changes: { '003use_name': { from: 'jdoe', to: 'john.doe' } },
    });
  });

  it('keeps its own extension, found in the taken map by uuid', () => {
    const anchor = pushed(user('jdoe'));
    const taken = new Map([['100', holder('jdoe')]]);
    expect(upsert(user('jdoe'), anchor, { takenExtensions: taken })?.kind).toBe('unchanged');
  });

  it('draws the next free pool number past the taken ones', () => {
    const taken = new Map<string, Holder>([
      ['100', holder('a')],
      ['101', { login: 'reception' }],
    ]);
    const op = upsert(user('jdoe'), undefined, { takenExtensions: taken });
    expect(op?.kind === 'create' && op.record['009ext_extension']).toBe('102');
  });

  it('rejects a phone extension another anchor holds, naming that user', () => {
    const taken = new Map([['201', holder('anna')]]);
    const op = upsert(user('jdoe', { telephoneNumber: '0441 1-201' }), undefined, { takenExtensions: taken });
    expect(op).toMatchObject({
      kind: 'rejected',
      reasons: [{ code: 'extension-conflict', message: expect.stringContaining(dnOf('anna')) }],
    });
  });

  it('adopts an unmanaged identity listed in takenLogins', () => {
    const current = identity('jdoe', { '009ext_extension': '150' });
    const op = upsert(user('jdoe'), undefined, {
      takenLogins: new Map([['jdoe', { login: 'jdoe' }]]),
      takenExtensions: new Map([['150', { login: 'jdoe' }]]),
      current,
    });
    expect(op).toMatchObject({ kind: 'update', adopt: true, record: { '009ext_extension': '150' } });
  });

  it('rejects a login another anchor holds', () => {
    const op = upsert(user('jdoe'), undefined, { takenLogins: new Map([['jdoe', holder('jdoe-other')]]) });
    expect(op).toMatchObject({ kind: 'rejected', reasons: [{ code: 'login-conflict' }] });
  });

  it('deletes the anchored identity on a gone event', () => {
    const anchor = pushed(user('jdoe'));
    const op = planUser({
      event: { kind: 'gone', uuid: anchor.uuid },
      anchor,
      rules: rules(),
      todayDays: TODAY,
      takenExtensions: new Map(),
    });
    expect(op).toEqual({ kind: 'delete', uuid: anchor.uuid, login: 'jdoe', reason: 'left-filter' });
  });

  it('ignores a gone event for a user it never managed', () => {
    const op = planUser({
      event: { kind: 'gone', uuid: uuidOf('x') },
      anchor: undefined,
      rules: rules(),
      todayDays: TODAY,
      takenExtensions: new Map(),
    });
    expect(op).toBeUndefined();
  });

  it('keeps the identity on a gone event in keep mode', () => {
    const anchor = pushed(user('jdoe'));
    const keep = rules({ deletes: { mode: 'keep', maxPerRun: 10 } });
    const op = planUser({
      event: { kind: 'gone', uuid: anchor.uuid },
      anchor,
      rules: keep,
      todayDays: TODAY,
      takenExtensions: new Map(),
    });
    expect(op).toBeUndefined();
  });

  it('deletes a user who became disabled', () => {
    const anchor = pushed(user('jdoe'));
    const disabled = user('jdoe', { sambaAcctFlags: '[UD         ]' });
    expect(upsert(disabled, anchor)).toMatchObject({ kind: 'delete', reason: 'disabled' });
  });

  it('rejects a user whose mapping fails', () => {
    expect(upsert(user('jdoe', { displayName: [] }), undefined)).toMatchObject({
      kind: 'rejected',
      reasons: [{ code: 'no-display-name' }],
    });
  });

  it('agrees with the full plan for the same user and state', () => {
    const before = user('jdoe', { telephoneNumber: '0441 1-201', mobile: '0170 1' });
    const anchor = pushed(before);
    const after = user('john.doe', { telephoneNumber: '0441 1-202', mobile: '0170 2' }, before.uuid);
    const full = plan({
      users: [after],
      identities: [anchor.record],
      anchors: [anchor],
      rules: rules(),
      todayDays: TODAY,
      confirmDeletes: false,
    });
    const taken = new Map([['201', holder('jdoe')]]);
    expect(upsert(after, anchor, { takenExtensions: taken })).toEqual(full.operations[0]);
  });
});
