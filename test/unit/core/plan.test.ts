import { describe, expect, it } from 'vitest';
import { plan, type PlanInput } from '../../../app/core/plan.js';
import type { Operation, Plan } from '../../../app/core/types.js';
import { anchorOf, dnOf, identity, rules, shuffled, TODAY, user } from './builders.js';

function planOf(input: Partial<PlanInput>): Plan {
  return plan({
    users: [],
    identities: [],
    anchors: [],
    rules: rules(),
    todayDays: TODAY,
    confirmDeletes: false,
    ...input,
  });
}

function opOf(p: Plan, uuid: string): Operation {
  const op = p.operations.find((o) => o.uuid === uuid);
  if (op === undefined) throw new Error(`no operation for ${uuid}`);
  return op;
}

function kindsOf(p: Plan): string[] {
  return p.operations.map((o) => `${o.kind}:${o.kind === 'rejected' ? o.dn : o.login}`);
}

/** A user who was pushed before with exactly what the mapping gives now. */
function synced(uid: string, attrs: Record<string, string> = {}) {
  const u = user(uid, attrs);
  const first = planOf({ users: [u] });
  const op = opOf(first, u.uuid);
  if (op.kind !== 'create') throw new Error('expected a create');
  return { user: u, identity: op.record, anchor: anchorOf(u, op.record, op.record['009ext_extension']) };
}

describe('create', () => {
  it('creates a new user with the mapped record and a pool extension', () => {
    const u = user('jdoe', { displayName: 'John Doe', mailPrimaryAddress: 'j@example.com' });
    expect(opOf(planOf({ users: [u] }), u.uuid)).toEqual({
      kind: 'create',
      uuid: u.uuid,
      dn: u.dn,
      login: 'jdoe',
      record: {
        '003use_name': 'jdoe',
        '003use_bez': 'John Doe',
        '009ext_extension': '100',
        '016voi_email': 'j@example.com',
        '028pho_bez': 'John Doe',
        '028pho_email': 'j@example.com',
      },
    });
  });

  it('creates again when the anchored identity is missing in pascom', () => {
    const s = synced('jdoe');
    expect(opOf(planOf({ users: [s.user], anchors: [s.anchor] }), s.user.uuid).kind).toBe('create');
  });

  it('sets the auth method to EXTERN when authentication against UCS is on', () => {
    const u = user('jdoe');
    const op = opOf(planOf({ users: [u], rules: rules({ authExtern: true }) }), u.uuid);
    expect(op.kind === 'create' && op.record['003use_auth_method']).toBe('EXTERN');
  });

  it('leaves the auth method unmanaged when authentication against UCS is off', () => {
    const s = synced('jdoe');
    const current = { ...s.identity, '003use_auth_method': 'mobydick' };
    const op = opOf(planOf({ users: [s.user], identities: [current], anchors: [s.anchor] }), s.user.uuid);
    expect(op.kind).toBe('unchanged');
  });
});

describe('update', () => {
  it('reports an identity that matches as unchanged', () => {
    const s = synced('jdoe', { mobile: '0170 1' });
    const p = planOf({ users: [s.user], identities: [s.identity], anchors: [s.anchor] });
    expect(opOf(p, s.user.uuid).kind).toBe('unchanged');
  });

  it('updates only the fields that changed', () => {
    const s = synced('jdoe', { mobile: '0170 1', sn: 'Doe' });
    const changed = user('jdoe', { mobile: '0170 2', sn: 'Doe' });
    const op = opOf(planOf({ users: [changed], identities: [s.identity], anchors: [s.anchor] }), s.user.uuid);
    expect(op).toMatchObject({
      kind: 'update',
      login: 'jdoe',
      adopt: false,
      changes: { '028pho_mobile': { from: '01701', to: '01702' } },
    });
    expect(op.kind === 'update' && Object.keys(op.changes)).toEqual(['028pho_mobile']);
  });

  it('compares with the current pascom identity, not the last pushed record', () => {
    const s = synced('jdoe');
    const editedInPascom = { ...s.identity, '003use_bez': 'Edited by hand' };
    const op = opOf(planOf({ users: [s.user], identities: [editedInPascom], anchors: [s.anchor] }), s.user.uuid);
    expect(op).toMatchObject({
      kind: 'update',
      changes: { '003use_bez': { from: 'Edited by hand', to: 'User jdoe' } },
    });
  });

  it('turns a uid rename into an update of the login, never delete and create', () => {
    const s = synced('jdoe');
    const renamed = user('john.doe', {}, s.user.uuid);
    const p = planOf({ users: [renamed], identities: [s.identity], anchors: [s.anchor] });
    expect(p.operations).toHaveLength(1);
    expect(p.operations[0]).toMatchObject({
      kind: 'update',
      login: 'jdoe',
      changes: { '003use_name': { from: 'jdoe', to: 'john.doe' } },
    });
  });

  it('adopts an unmanaged identity with the same login instead of creating a duplicate', () => {
    const u = user('jdoe');
    const existing = identity('jdoe', { '009ext_extension': '150', '003use_bez': 'Old Name' });
    const op = opOf(planOf({ users: [u], identities: [existing] }), u.uuid);
    expect(op).toMatchObject({
      kind: 'update',
      adopt: true,
      login: 'jdoe',
      changes: { '003use_bez': { from: 'Old Name', to: 'User jdoe' } },
    });
    expect(op.kind === 'update' && op.record['009ext_extension']).toBe('150');
  });

  it('adopts even when nothing differs, so the anchor gets written', () => {
    const u = user('jdoe');
    const existing = identity('jdoe', { '009ext_extension': '150' });
    expect(opOf(planOf({ users: [u], identities: [existing] }), u.uuid)).toMatchObject({
      kind: 'update',
      adopt: true,
      changes: {},
    });
  });
});

describe('identities the connector does not manage', () => {
  it('never changes or deletes them', () => {
    const p = planOf({ identities: [identity('reception'), identity('boss', { '009ext_extension': '100' })] });
    expect(p.operations).toEqual([]);
  });
});

describe('deletes', () => {
  it('deletes the identity of a user who left the filter', () => {
    const s = synced('jdoe');
    const p = planOf({ identities: [s.identity], anchors: [s.anchor] });
    expect(p.operations).toEqual([{ kind: 'delete', uuid: s.user.uuid, login: 'jdoe', reason: 'left-filter' }]);
  });

  it('leaves it alone in keep mode', () => {
    const s = synced('jdoe');
    const keep = rules({ deletes: { mode: 'keep', maxPerRun: 10 } });
    expect(planOf({ identities: [s.identity], anchors: [s.anchor], rules: keep }).operations).toEqual([]);
  });

  it('does not delete a user who is still enabled but now rejected', () => {
    const s = synced('jdoe');
    const broken = user('jdoe', { displayName: [] }, s.user.uuid);
    const p = planOf({ users: [broken], identities: [s.identity], anchors: [s.anchor] });
    expect(kindsOf(p)).toEqual([`rejected:${dnOf('jdoe')}`]);
  });

  it('removes a disabled user by default', () => {
    const s = synced('jdoe');
    const disabled = user('jdoe', { sambaAcctFlags: '[UD         ]' }, s.user.uuid);
    const p = planOf({ users: [disabled], identities: [s.identity], anchors: [s.anchor] });
    expect(p.operations).toEqual([{ kind: 'delete', uuid: s.user.uuid, login: 'jdoe', reason: 'disabled' }]);
  });

  it('does not create a disabled user', () => {
    const p = planOf({ users: [user('jdoe', { shadowExpire: '1' })] });
    expect(p.operations).toEqual([]);
  });

  it('syncs a disabled user like any other with disabledUsers: sync', () => {
    const s = synced('jdoe');
    const disabled = user('jdoe', { sambaAcctFlags: '[UD         ]' }, s.user.uuid);
    const p = planOf({
      users: [disabled],
      identities: [s.identity],
      anchors: [s.anchor],
      rules: rules({ disabledUsers: 'sync' }),
    });
    expect(kindsOf(p)).toEqual(['unchanged:jdoe']);
  });
});

describe('the delete threshold', () => {
  const gone = Array.from({ length: 3 }, (_, i) => synced(`gone${i}`));
  const input = {
    identities: gone.map((g) => g.identity),
    anchors: gone.map((g) => g.anchor),
    rules: rules({ deletes: { mode: 'delete', maxPerRun: 2 } }),
  };

  it('blocks a plan with more deletes than maxPerRun and still lists them', () => {
    const p = planOf(input);
    expect(p.blocked).toEqual({ deletes: 3, maxPerRun: 2 });
    expect(p.summary).toMatchObject({ delete: 3, blocked: 3 });
    expect(p.operations.filter((o) => o.kind === 'delete')).toHaveLength(3);
  });

  it('is lifted by confirmDeletes', () => {
    const p = planOf({ ...input, confirmDeletes: true });
    expect(p.blocked).toBeUndefined();
    expect(p.summary.blocked).toBe(0);
  });

  it('allows exactly maxPerRun deletes', () => {
    const p = planOf({ ...input, anchors: input.anchors.slice(0, 2) });
    expect(p.blocked).toBeUndefined();
  });
});

describe('login conflicts', () => {
  it('lets the anchored user keep a login another directory user now maps to', () => {
    const s = synced('jdoe');
    const twin = user('JDoe', {}, 'ffffffff-0000-4000-8000-000000000001');
    const p = planOf({ users: [twin, s.user], identities: [s.identity], anchors: [s.anchor] });
    expect(opOf(p, s.user.uuid).kind).toBe('unchanged');
    const rejected = opOf(p, twin.uuid);
    expect(rejected).toMatchObject({ kind: 'rejected', reasons: [{ code: 'login-conflict' }] });
    expect(rejected.kind === 'rejected' && rejected.reasons[0]?.message).toContain(s.user.dn);
  });

  it('between two new users, lets the lower uuid win', () => {
    const a = user('jdoe', {}, '00000000-0000-4000-8000-00000000000a');
    const b = user('JDOE', {}, '00000000-0000-4000-8000-00000000000b');
    const p = planOf({ users: [b, a] });
    expect(opOf(p, a.uuid).kind).toBe('create');
    expect(opOf(p, b.uuid)).toMatchObject({ kind: 'rejected', reasons: [{ code: 'login-conflict' }] });
  });

  it('rejects a user whose login belongs to the identity of another anchor', () => {
    const s = synced('jdoe');
    const newcomer = user('jdoe', {}, 'ffffffff-0000-4000-8000-000000000002');
    const p = planOf({ users: [newcomer], identities: [s.identity], anchors: [s.anchor] });
    expect(opOf(p, newcomer.uuid)).toMatchObject({ kind: 'rejected', reasons: [{ code: 'login-conflict' }] });
  });

  it('refuses to rename a managed identity onto an unmanaged one', () => {
    const s = synced('jdoe');
    const renamed = user('boss', {}, s.user.uuid);
    const p = planOf({ users: [renamed], identities: [s.identity, identity('boss')], anchors: [s.anchor] });
    expect(opOf(p, s.user.uuid)).toMatchObject({ kind: 'rejected', reasons: [{ code: 'login-taken-by-unmanaged' }] });
  });
});

describe('extensions across the plan', () => {
  it('moves a user synced with a cut extension (the old 3-digit default) to its direct-dial number', () => {
    const u = user('jdoe', { telephoneNumber: '+49 441 12345-10006' });
    const old = identity('jdoe', { '009ext_extension': '006' });
    const p = planOf({ users: [u], identities: [old], anchors: [anchorOf(u, old, '006')] });
    expect(opOf(p, u.uuid)).toMatchObject({
      kind: 'update',
      changes: { '009ext_extension': { from: '006', to: '10006' } },
    });
    expect(p.causes).toEqual([]);
  });

  it('keeps a stable extension and its notice for a user whose number has no recognisable extension', () => {
    const s = synced('jdoe', { telephoneNumber: '+49 441 12345 10167' });
    const p = planOf({ users: [s.user], identities: [s.identity], anchors: [s.anchor] });
    const op = opOf(p, s.user.uuid);
    expect(op).toMatchObject({ kind: 'unchanged', record: { '009ext_extension': '100' } });
    expect(op.kind === 'unchanged' ? op.notes?.map((n) => n.code) : undefined).toEqual(['extension-unrecognised']);
  });

  it('keeps the extension when telephoneNumber is unchanged', () => {
    const s = synced('jdoe', { telephoneNumber: '0441 12345-201' });
    const p = planOf({ users: [s.user], identities: [s.identity], anchors: [s.anchor] });
    expect(opOf(p, s.user.uuid).kind).toBe('unchanged');
  });

  it('keeps a pool extension across runs', () => {
    const s = synced('jdoe');
    const newcomer = user('anna');
    const p = planOf({ users: [newcomer, s.user], identities: [s.identity], anchors: [s.anchor] });
    expect(opOf(p, s.user.uuid).kind).toBe('unchanged');
    const op = opOf(p, newcomer.uuid);
    expect(op.kind === 'create' && op.record['009ext_extension']).toBe('101');
  });

  it("rejects a newcomer claiming an anchored user's number, naming both", () => {
    const s = synced('jdoe', { telephoneNumber: '0441 12345-201' });
    const anna = user('anna', { telephoneNumber: '0441 12345-201' });
    const p = planOf({ users: [anna, s.user], identities: [s.identity], anchors: [s.anchor] });
    const op = opOf(p, anna.uuid);
    expect(op).toMatchObject({ kind: 'rejected', reasons: [{ code: 'extension-conflict' }] });
    const message = op.kind === 'rejected' ? op.reasons[0]?.message : '';
    expect(message).toContain(`jdoe (${s.user.dn})`);
    expect(message).toContain(`anna (${anna.dn})`);
  });

  it('rejects a number an unmanaged identity holds', () => {
    const anna = user('anna', { telephoneNumber: '0441 12345-201' });
    const p = planOf({ users: [anna], identities: [identity('reception', { '009ext_extension': '201' })] });
    expect(opOf(p, anna.uuid)).toMatchObject({ kind: 'rejected', reasons: [{ code: 'extension-taken-by-unmanaged' }] });
  });

  it('moves a user to its new number when the phone number changes', () => {
    const s = synced('jdoe', { telephoneNumber: '0441 12345-201' });
    const moved = user('jdoe', { telephoneNumber: '0441 12345-202' });
    const op = opOf(planOf({ users: [moved], identities: [s.identity], anchors: [s.anchor] }), s.user.uuid);
    expect(op).toMatchObject({ kind: 'update', changes: { '009ext_extension': { from: '201', to: '202' } } });
  });

  it('hands a number to a newcomer when its holder moves away in the same run', () => {
    const s = synced('jdoe', { telephoneNumber: '0441 12345-201' });
    const moved = user('jdoe', { telephoneNumber: '0441 12345-202' });
    const anna = user('anna', { telephoneNumber: '0441 12345-201' });
    const op = opOf(planOf({ users: [anna, moved], identities: [s.identity], anchors: [s.anchor] }), anna.uuid);
    expect(op.kind === 'create' && op.record['009ext_extension']).toBe('201');
  });

  it('keeps the number of a user who left the filter until its identity is gone', () => {
    const s = synced('jdoe', { telephoneNumber: '0441 12345-201' });
    const anna = user('anna', { telephoneNumber: '0441 12345-201' });
    const p = planOf({ users: [anna], identities: [s.identity], anchors: [s.anchor] });
    expect(opOf(p, anna.uuid)).toMatchObject({ kind: 'rejected', reasons: [{ code: 'extension-conflict' }] });
    expect(opOf(p, s.user.uuid).kind).toBe('delete');
  });

  it('does not manage extensions when the mapping has no extension field', () => {
    const noExt = rules({ mapping: rules().mapping.filter((r) => r.field !== '009ext_extension') });
    const op = opOf(planOf({ users: [user('jdoe')], rules: noExt }), user('jdoe').uuid);
    expect(op.kind === 'create' && op.record['009ext_extension']).toBeUndefined();
  });
});

describe('determinism', () => {
  it('produces the identical plan for shuffled input', () => {
    const olds = Array.from({ length: 8 }, (_, i) => synced(`old${i}`, { telephoneNumber: `0441 1-${200 + i}` }));
    const users = [
      ...olds
        .slice(0, 6)
        .map((s, i) =>
          i % 2 === 0 ? user(`old${i}`, { telephoneNumber: `0441 1-${200 + i}`, mobile: '0170 9' }) : s.user,
        ),
      ...Array.from({ length: 12 }, (_, i) => user(`new${i}`, i % 3 === 0 ? { telephoneNumber: '0441 1-300' } : {})),
      user('twin', {}, 'aaaaaaaa-0000-4000-8000-000000000001'),
      user('TWIN', {}, 'aaaaaaaa-0000-4000-8000-000000000002'),
    ];
    const input = {
      users,
      identities: [...olds.map((s) => s.identity), identity('reception', { '009ext_extension': '105' })],
      anchors: olds.map((s) => s.anchor),
    };
    const reference = planOf(input);
    for (const seed of [1, 2, 3, 4, 5]) {
      const again = planOf({
        users: shuffled(input.users, seed),
        identities: shuffled(input.identities, seed + 100),
        anchors: shuffled(input.anchors, seed + 200),
      });
      expect(again).toEqual(reference);
    }
    // 4 of the new users claim 300: one wins, three are rejected; one twin loses its login.
    expect(reference.summary).toMatchObject({ create: 9 + 1, update: 3, delete: 2, unchanged: 3, rejected: 3 + 1 });
  });

  it('orders operations by kind, then login, then uuid', () => {
    const s = synced('mmm');
    const p = planOf({
      users: [user('zed'), user('abe'), user('bad', { displayName: [] })],
      identities: [s.identity],
      anchors: [s.anchor],
    });
    expect(kindsOf(p)).toEqual(['create:abe', 'create:zed', 'delete:mmm', `rejected:${dnOf('bad')}`]);
  });
});
