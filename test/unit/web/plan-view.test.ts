import { describe, expect, it } from 'vitest';
import { groupCauses } from '../../../app/core/causes.js';
import type { Operation, Plan, Reason } from '../../../app/core/types.js';
import { translator } from '../../../app/i18n/index.js';
import { planReport } from '../../../app/web/plan-view.js';

const en = translator('en');
const de = translator('de');
const MAPPING = {
  order: ['003use_name', '003use_bez', '009ext_extension', '016voi_email', '028pho_firstname', '028pho_mobile'],
  loginField: '003use_name',
};

const conflict = (claimant: string): Reason => ({
  code: 'extension-conflict',
  field: '009ext_extension',
  message: `extension 150 is already used by cdup1, so ${claimant} cannot have it`,
  params: { extension: '150', holder: 'cdup1', claimant },
});
const missing: Reason = {
  code: 'required-missing',
  field: '003use_bez',
  message: 'no value for required field 003use_bez',
  params: { field: '003use_bez', sources: 'displayName' },
};

function plan(operations: Operation[]): Plan {
  const count = (kind: Operation['kind']): number => operations.filter((op) => op.kind === kind).length;
  return {
    operations,
    summary: {
      create: count('create'),
      update: count('update'),
      delete: count('delete'),
      unchanged: count('unchanged'),
      rejected: count('rejected'),
      blocked: 0,
    },
    blocked: undefined,
    causes: groupCauses(operations),
  };
}

const PLAN = plan([
  {
    kind: 'create',
    uuid: 'a',
    dn: 'uid=jdoe,cn=users',
    login: 'jdoe',
    record: {
      '003use_name': 'jdoe',
      '003use_bez': 'John Doe',
      '009ext_extension': '101',
      '016voi_email': 'jdoe@example.intranet',
      '028pho_firstname': 'John',
      '028pho_mobile': '+49 170 1234567',
    },
  },
  {
    kind: 'update',
    uuid: 'b',
    dn: 'uid=asmith,cn=users',
    login: 'asmith',
    record: { '003use_name': 'asmith', '003use_bez': 'Anna Smith' },
    changes: { '003use_bez': { from: 'Anna S.', to: 'Anna Smith' } },
    adopt: false,
  },
  { kind: 'delete', uuid: 'c', login: 'gone', reason: 'left-filter' },
  { kind: 'rejected', uuid: 'd', dn: 'uid=cdup2,cn=users', login: 'cdup2', reasons: [conflict('cdup2')] },
  { kind: 'rejected', uuid: 'e', dn: 'uid=cdup3,cn=users', login: 'cdup3', reasons: [conflict('cdup3')] },
  { kind: 'rejected', uuid: 'f', dn: 'uid=noname,cn=users', login: 'noname', reasons: [missing] },
]);

describe('the Simulate report', () => {
  it('puts the causes first, with count, translated hint and examples', () => {
    const report = planReport(PLAN, en, 'en', MAPPING, { kind: undefined, cause: undefined, q: '' });
    expect(report.causes.map((cause) => [cause.key, cause.count])).toEqual([
      ['extension-conflict:009ext_extension', 2],
      ['required-missing:003use_bez', 1],
    ]);
    expect(report.causes[0]?.title).toBe('Extension already used by another user');
    expect(report.causes[0]?.hint).toContain('Contact > Telephone number');
    expect(report.causes[0]?.examples.map((example) => example.login)).toEqual(['cdup2', 'cdup3']);
    expect(report.causes[1]?.title).toBe('No value for a required field: Display name');
    expect(report.causes[1]?.hint).toContain('for Display name (tried: displayName)');
    const german = planReport(PLAN, de, 'de', MAPPING, { kind: undefined, cause: undefined, q: '' });
    expect(german.causes[0]?.title).toBe('Durchwahl schon von einem anderen Benutzer belegt');
  });

  it('labels the creates columns and keeps the other fields in "more"', () => {
    const report = planReport(PLAN, en, 'en', MAPPING, { kind: undefined, cause: undefined, q: '' });
    expect(report.columns.map((column) => [column.label, column.code])).toEqual([
      ['Display name', '003use_bez'],
      ['Extension', '009ext_extension'],
      ['E-mail', '016voi_email'],
    ]);
    expect(report.create.rows[0]?.cells).toEqual(['John Doe', '101', 'jdoe@example.intranet']);
    expect(report.create.rows[0]?.more.map((more) => [more.field.label, more.value])).toEqual([
      ['Forename', 'John'],
      ['Mobile', '+49 170 1234567'],
    ]);
    expect(report.update.rows[0]?.changes).toEqual([
      {
        field: expect.objectContaining({ label: 'Display name', code: '003use_bez' }),
        from: 'Anna S.',
        to: 'Anna Smith',
      },
    ]);
    expect(report.delete.rows).toEqual([{ login: 'gone', reason: 'no longer enabled for pascom' }]);
  });

  it('filters by cause: only the users with that cause remain', () => {
    const report = planReport(PLAN, en, 'en', MAPPING, {
      kind: undefined,
      cause: 'extension-conflict:009ext_extension',
      q: '',
    });
    expect(report.rejected.rows.map((row) => row.login)).toEqual(['cdup2', 'cdup3']);
    expect(report.rejected.matched).toBe(2);
    expect(report.rejected.total).toBe(3);
    expect(report.create.matched).toBe(0);
    expect(report.delete.matched).toBe(0);
    expect(report.causes).toHaveLength(2);
  });

  it('filters by kind and by text', () => {
    const report = planReport(PLAN, en, 'en', MAPPING, { kind: 'rejected', cause: undefined, q: 'CDUP3' });
    expect(report.rejected.rows.map((row) => row.login)).toEqual(['cdup3']);
    expect(report.update.matched).toBe(0);
  });
});
