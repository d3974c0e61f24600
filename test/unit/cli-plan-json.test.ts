/** The streamed `--json` output is exactly the documented object, byte for byte, with the grouped causes. */
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { renderPlanLines } from '../../app/cli/format.js';
import { writePlanJson } from '../../app/cli/plan-json.js';
import { groupCauses } from '../../app/core/causes.js';
import { planToJson } from '../../app/core/plan-output.js';
import type { Operation, Plan, Reason } from '../../app/core/types.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c.toString()), done()) }),
    text: () => chunks.join(''),
  };
}

function conflict(n: number): Reason {
  return {
    code: 'extension-conflict',
    field: '009ext_extension',
    message: `extension 10006 is already used by a (uid=a,cn=users), so u${n} (uid=u${n},cn=users) cannot have it`,
    params: { extension: '10006', holder: 'a (uid=a,cn=users)', claimant: `u${n} (uid=u${n},cn=users)` },
  };
}

const collisions: Operation[] = Array.from({ length: 1000 }, (_, n) => ({
  kind: 'rejected',
  uuid: `c${String(n).padStart(4, '0')}`,
  dn: `uid=u${String(n).padStart(4, '0')},cn=users`,
  login: `u${String(n).padStart(4, '0')}`,
  reasons: [conflict(n)],
}));

const operations: Operation[] = [
  {
    kind: 'create',
    uuid: 'u1',
    dn: 'uid=a,cn=users',
    login: 'a',
    record: { '003use_name': 'a', '003use_bez': 'A "quoted" Ä' },
    notes: [
      {
        code: 'extension-unrecognised',
        field: '009ext_extension',
        message:
          'phone number "+49 441 12345 10167" has no recognisable extension, so the user gets a number from extensions.pool; set extensions.phonePrefix',
        params: { phone: '+49 441 12345 10167', problem: 'pool', suggestion: '+49 441 12345' },
      },
    ],
  },
  {
    kind: 'update',
    uuid: 'u2',
    dn: 'uid=b,cn=users',
    login: 'b',
    record: { '003use_name': 'c' },
    changes: { '003use_name': { from: 'b', to: 'c' }, x: { from: '1', to: undefined } },
    adopt: false,
  },
  { kind: 'unchanged', uuid: 'u3', dn: 'uid=d,cn=users', login: 'd', record: {} },
  {
    kind: 'rejected',
    uuid: 'u4',
    dn: 'uid=e,cn=users',
    reasons: [{ code: 'no-display-name', message: 'no display name and no first/last name' }],
  },
  ...collisions,
];

const plan: Plan = {
  operations,
  summary: { create: 1, update: 1, delete: 0, unchanged: 1, rejected: 1001, blocked: 0 },
  blocked: undefined,
  causes: groupCauses(operations),
};

it('streams the same text JSON.stringify gives', async () => {
  const out = capture();
  await writePlanJson(out.stream, plan);
  expect(out.text()).toBe(`${JSON.stringify(planToJson(plan), null, 2)}\n`);
});

it('appends extra top-level keys', async () => {
  const out = capture();
  await writePlanJson(out.stream, plan, { result: { status: 'done' } });
  expect(JSON.parse(out.text())).toEqual({ ...planToJson(plan), result: { status: 'done' } });
});

it('adds the grouped causes after the rest, which is unchanged', async () => {
  const out = capture();
  await writePlanJson(out.stream, plan);
  const json = JSON.parse(out.text()) as Record<string, unknown>;
  expect(Object.keys(json)).toEqual(['summary', 'create', 'update', 'delete', 'rejected', 'causes']);
  expect(json['create']).toEqual([
    { uuid: 'u1', dn: 'uid=a,cn=users', login: 'a', record: { '003use_name': 'a', '003use_bez': 'A "quoted" Ä' } },
  ]);
  expect((json['rejected'] as unknown[]).length).toBe(1001);
  expect(json['causes']).toEqual([
    {
      cause: 'extension-conflict',
      level: 'rejected',
      field: '009ext_extension',
      count: 1000,
      hint: expect.stringContaining('the same extension') as unknown,
      params: { field: '009ext_extension' },
      examples: [0, 1, 2, 3, 4].map((n) => ({
        uuid: `c000${n}`,
        dn: `uid=u000${n},cn=users`,
        login: `u000${n}`,
        message: conflict(n).message,
      })),
    },
    {
      cause: 'no-display-name',
      level: 'rejected',
      count: 1,
      hint: expect.any(String) as unknown,
      params: {},
      examples: [{ uuid: 'u4', dn: 'uid=e,cn=users', login: null, message: 'no display name and no first/last name' }],
    },
    {
      cause: 'extension-unrecognised.pool',
      level: 'notice',
      field: '009ext_extension',
      count: 1,
      hint: expect.stringContaining(
        'set extensions.phonePrefix to the company\'s base number (e.g. "+49 441 12345")',
      ) as unknown,
      params: { field: '009ext_extension', suggestion: '+49 441 12345' },
      examples: [expect.objectContaining({ uuid: 'u1', login: 'a' }) as unknown],
    },
  ]);
});

it('shows 1,000 collisions of one kind as one line in the text summary', () => {
  const lines = [...renderPlanLines(plan)].join('\n').split('\n');
  expect(lines.filter((line) => line.includes('extension-conflict'))).toEqual([
    expect.stringMatching(/^\s+1000 × extension-conflict \(009ext_extension\): Two users' phone numbers/) as unknown,
  ]);
  expect(lines.filter((line) => line.includes('e.g. uid=u'))).toHaveLength(5);
  expect(lines).toContain('           … and 995 more');
  expect(lines.some((line) => line.includes('note: phone number "+49 441 12345 10167"'))).toBe(true);
  expect(lines.at(-1)).toBe('Plan: 1 create, 1 update, 0 delete, 1 unchanged, 1001 rejected');
});
