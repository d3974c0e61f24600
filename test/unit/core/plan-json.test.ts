import { describe, expect, it } from 'vitest';
import { plan, planToJson, summarize } from '../../../app/core/plan.js';
import type { Operation } from '../../../app/core/types.js';
import { anchorOf, identity, rules, TODAY, user } from './builders.js';

describe('planToJson', () => {
  const kept = user('kept');
  const renamed = user('new.name', {}, user('old.name').uuid);
  const oldRecord = identity('old.name', { '003use_bez': 'User new.name', '009ext_extension': '100' });
  const goneRecord = identity('gone', { '009ext_extension': '101' });
  const keptRecord = identity('kept', { '003use_bez': 'User kept', '009ext_extension': '102' });
  const p = plan({
    users: [user('fresh'), renamed, kept, user('broken', { displayName: [] })],
    identities: [oldRecord, goneRecord, keptRecord],
    anchors: [
      anchorOf(renamed, oldRecord, '100'),
      anchorOf(user('gone'), goneRecord, '101'),
      anchorOf(kept, keptRecord, '102'),
    ],
    rules: rules(),
    todayDays: TODAY,
    confirmDeletes: false,
  });
  const json = planToJson(p);

  it('has exactly the documented --json keys, plus the grouped causes', () => {
    expect(Object.keys(json).sort()).toEqual(['causes', 'create', 'delete', 'rejected', 'summary', 'update']);
    expect(Object.keys(json.summary).sort()).toEqual([
      'blocked',
      'create',
      'delete',
      'rejected',
      'unchanged',
      'update',
    ]);
  });

  it('lists creates with uuid, dn, login and record', () => {
    expect(json.create).toEqual([
      {
        uuid: user('fresh').uuid,
        dn: user('fresh').dn,
        login: 'fresh',
        record: {
          '003use_name': 'fresh',
          '003use_bez': 'User fresh',
          '028pho_bez': 'User fresh',
          '009ext_extension': '103',
        },
      },
    ]);
  });

  it('lists updates with their changes as {from, to}', () => {
    expect(json.update).toEqual([
      {
        uuid: renamed.uuid,
        dn: renamed.dn,
        login: 'old.name',
        changes: { '003use_name': { from: 'old.name', to: 'new.name' } },
      },
    ]);
  });

  it('lists deletes with their reason and rejections as message strings', () => {
    expect(json.delete).toEqual([{ uuid: user('gone').uuid, login: 'gone', reason: 'left-filter' }]);
    expect(json.rejected).toEqual([
      { uuid: user('broken').uuid, dn: user('broken').dn, reasons: ['no display name and no first/last name'] },
    ]);
  });

  it('counts unchanged users in the summary only', () => {
    expect(json.summary).toEqual({ create: 1, update: 1, delete: 1, unchanged: 1, rejected: 1, blocked: 0 });
  });

  it('writes a cleared field as null, so it survives JSON', () => {
    const op: Operation = {
      kind: 'update',
      uuid: 'u',
      dn: 'd',
      login: 'l',
      record: {},
      changes: { f: { from: 'x', to: undefined } },
      adopt: false,
    };
    const out = planToJson({ operations: [op], summary: summarize([op]), blocked: undefined, causes: [] });
    expect(JSON.parse(JSON.stringify(out)).update[0].changes).toEqual({ f: { from: 'x', to: null } });
  });
});

describe('summarize', () => {
  it('counts blocked deletes only when the plan is blocked', () => {
    const del: Operation = { kind: 'delete', uuid: 'u', login: 'l', reason: 'left-filter' };
    expect(summarize([del, del]).blocked).toBe(0);
    expect(summarize([del, del], true).blocked).toBe(2);
  });
});
