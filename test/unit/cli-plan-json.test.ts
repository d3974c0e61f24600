/** The streamed `--json` output is exactly the documented object, byte for byte. */
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { writePlanJson } from '../../app/cli/plan-json.js';
import { planToJson } from '../../app/core/plan-output.js';
import type { Plan } from '../../app/core/types.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c.toString()), done()) }),
    text: () => chunks.join(''),
  };
}

const plan: Plan = {
  operations: [
    {
      kind: 'create',
      uuid: 'u1',
      dn: 'uid=a,cn=users',
      login: 'a',
      record: { '003use_name': 'a', '003use_bez': 'A "quoted" Ä' },
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
  ],
  summary: { create: 1, update: 1, delete: 0, unchanged: 1, rejected: 1, blocked: 0 },
  blocked: undefined,
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
