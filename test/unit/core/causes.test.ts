/** Rejections and notices grouped by cause, on plans over realistic phone numbers. */
import { describe, expect, it } from 'vitest';
import { CAUSE_EXAMPLES, causeOf, groupCauses } from '../../../app/core/causes.js';
import { parsePhonePrefix, type PhonePrefix } from '../../../app/core/phone-number.js';
import { plan } from '../../../app/core/plan.js';
import type { ExtensionRule } from '../../../app/core/rules.js';
import type { CreateOp, DirectoryUser, Operation, Plan } from '../../../app/core/types.js';
import { rules, TODAY, user } from './builders.js';

function planOf(users: DirectoryUser[], extensions: ExtensionRule = { pool: { from: 100, to: 199 } }): Plan {
  return plan({
    users,
    identities: [],
    anchors: [],
    rules: rules({ extensions }),
    todayDays: TODAY,
    confirmDeletes: false,
  });
}

function prefix(text: string): PhonePrefix {
  const parsed = parsePhonePrefix(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.prefix;
}

function extensionOf(p: Plan, uid: string): string | undefined {
  const op = p.operations.find((o): o is CreateOp => o.kind === 'create' && o.login === uid);
  return op?.record['009ext_extension'];
}

/** The numbering of a real company: every notation people use for the same dial plan. */
const DIRECTORY = [
  user('a.mueller', { telephoneNumber: '+49 441 12345-10006' }),
  user('b.weiss', { telephoneNumber: '+49 441 12345-20006' }),
  user('c.gross', { telephoneNumber: '+49 (0)441 12345-10041' }),
  user('d.koch', { telephoneNumber: '+49 441 12345 10167' }),
  user('e.wolf', { telephoneNumber: '0441 12345-101' }),
  user('f.klein', { telephoneNumber: '101' }),
  user('g.neumann', { telephoneNumber: '0441 12345-2041' }),
  user('h.becker'),
];

describe('a fresh default config on realistic numbering', () => {
  const p = planOf(DIRECTORY);

  it('gives every user the number people dial, never a cut one', () => {
    expect(DIRECTORY.map((u) => extensionOf(p, u.attributes['uid']?.[0] ?? ''))).toEqual([
      '10006',
      '20006',
      '10041',
      '100', // no recognisable extension without a prefix: the pool, with a notice
      '101',
      undefined, // the one real conflict: 101 is e.wolf's
      '2041',
      '102', // no phone: the pool, skipping 101 which e.wolf holds
    ]);
  });

  it('rejects only the user who really conflicts, in one cause', () => {
    expect(p.summary.rejected).toBe(1);
    const rejected = p.causes.filter((cause) => cause.level === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ cause: 'extension-conflict', field: '009ext_extension', count: 1 });
    expect(rejected[0]?.examples[0]).toMatchObject({ login: 'f.klein', dn: user('f.klein').dn });
    expect(rejected[0]?.examples[0]?.reason.message).toContain('extension 101 is already used by e.wolf');
  });

  it('says for the user without a recognisable extension that it got a pool number, and the fix', () => {
    const op = p.operations.find((o) => o.kind === 'create' && o.login === 'd.koch');
    expect(op?.kind === 'create' ? op.notes : undefined).toEqual([
      expect.objectContaining({
        code: 'extension-unrecognised',
        params: { phone: '+49 441 12345 10167', problem: 'pool', suggestion: '+49 441 12345' },
      }),
    ]);
    const notice = p.causes.find((cause) => cause.level === 'notice');
    expect(notice).toMatchObject({
      cause: 'extension-unrecognised.pool',
      count: 1,
      params: { suggestion: '+49 441 12345' },
    });
    expect(notice?.hint).toContain('set extensions.phonePrefix');
    expect(notice?.hint).toContain('"+49 441 12345"');
  });

  it('uses the direct-dial number of every notation once extensions.phonePrefix is set', () => {
    const fixed = planOf(DIRECTORY, { pool: { from: 100, to: 199 }, prefixes: [prefix('+49 441 12345')] });
    expect(extensionOf(fixed, 'd.koch')).toBe('10167');
    expect(fixed.causes.filter((cause) => cause.level === 'notice')).toEqual([]);
  });

  it('says "none" when there is no pool to fall back on', () => {
    const noPool = planOf([user('d.koch', { telephoneNumber: '+49 441 12345 10167' })], { pool: undefined });
    expect(noPool.causes).toEqual([
      expect.objectContaining({ cause: 'extension-unrecognised.none', level: 'notice', count: 1 }),
    ]);
    expect(extensionOf(noPool, 'd.koch')).toBeUndefined();
  });
});

describe('groupCauses', () => {
  it('turns 1,000 collisions of one kind into one cause with a count and five examples', () => {
    const users = Array.from({ length: 1001 }, (_, i) =>
      user(`user${String(i).padStart(4, '0')}`, { telephoneNumber: '+49 441 12345-10006' }),
    );
    const p = planOf(users);
    expect(p.causes).toHaveLength(1);
    const [cause] = p.causes;
    expect(cause).toMatchObject({ cause: 'extension-conflict', level: 'rejected', count: 1000 });
    expect(cause?.examples).toHaveLength(CAUSE_EXAMPLES);
    expect(cause?.examples.map((e) => e.login)).toEqual(['user0001', 'user0002', 'user0003', 'user0004', 'user0005']);
  });

  it('names the rule a phone-derived number breaks, one cause per rule', () => {
    const p = planOf([
      user('a', { telephoneNumber: '+49 441 12345-0' }),
      user('b', { telephoneNumber: '+49 441 12345-007' }),
      user('c', { telephoneNumber: '0441 12345-112' }),
      user('d', { telephoneNumber: '0441 12345-0815' }),
    ]);
    expect(p.causes.map((cause) => [cause.cause, cause.count])).toEqual([
      ['extension-invalid.leading-zero', 2],
      ['extension-invalid.emergency', 1],
      ['extension-invalid.single-digit', 1],
    ]);
  });

  it('orders rejections before notices, then by count, and keeps required-missing apart per field', () => {
    const reason = (code: 'required-missing' | 'no-display-name', field: string) => ({ code, field, message: code });
    const ops: Operation[] = [
      { kind: 'rejected', uuid: '1', dn: 'uid=1', reasons: [reason('required-missing', 'x')] },
      { kind: 'rejected', uuid: '2', dn: 'uid=2', reasons: [reason('required-missing', 'y')] },
      { kind: 'rejected', uuid: '3', dn: 'uid=3', reasons: [reason('required-missing', 'y')] },
      {
        kind: 'create',
        uuid: '4',
        dn: 'uid=4',
        login: 'l4',
        record: {},
        notes: [
          {
            code: 'extension-unrecognised',
            message: 'm',
            params: { problem: 'pool', phone: '1', suggestion: '' },
          },
        ],
      },
      { kind: 'rejected', uuid: '5', dn: 'uid=5', reasons: [reason('no-display-name', 'z')] },
    ];
    expect(groupCauses(ops).map((c) => [c.level, c.cause, c.field, c.count])).toEqual([
      ['rejected', 'required-missing', 'y', 2],
      ['rejected', 'no-display-name', 'z', 1],
      ['rejected', 'required-missing', 'x', 1],
      ['notice', 'extension-unrecognised.pool', undefined, 1],
    ]);
  });

  it('makes the cause code of a reason with a problem from both', () => {
    expect(causeOf({ code: 'invalid-login', message: '', params: { problem: 'capitals' } })).toBe(
      'invalid-login.capitals',
    );
    expect(causeOf({ code: 'extension-conflict', message: '' })).toBe('extension-conflict');
  });
});
