/**
 * Extensions on a realistic dial plan, end to end (real slapd, the pascom simulator): every
 * notation of one company's numbers, pascom's extension rules, the prefix, the pool skipping
 * refused numbers, and the grouped causes Simulate reports (API and `simulate --json`).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreateOp, Plan } from '../../../app/core/types.js';
import { cli } from '../cli/cli-harness.js';
import { rawRequest } from '../pascom/raw-http.js';
import { startHarness, type Connector, type Harness } from './harness.js';

let h: Harness;
const tag = `x${process.pid % 1000}`;
const login = (name: string): string => `ext.${name}${tag}`;

/** One company's numbers as a directory holds them, and what each must become by default. */
const USERS: ReadonlyArray<{ name: string; phone?: string }> = [
  { name: 'a', phone: '+49 441 12345-10006' },
  { name: 'b', phone: '+49 441 12345-20006' },
  { name: 'c', phone: '+49 (0)441 12345-10041' },
  { name: 'd', phone: '+49 441 12345 10167' },
  { name: 'e', phone: '0441 12345-101' },
  { name: 'f', phone: '101' },
  { name: 'g', phone: '+49 441 12345-0' },
  { name: 'h', phone: '0441 12345-112' },
  { name: 'i', phone: '+49 441 12345-2041' },
  { name: 'j' },
];

beforeAll(async () => {
  h = await startHarness();
  for (const user of USERS) {
    await h.udm.createUser({
      username: login(user.name),
      firstname: 'Ext',
      lastname: user.name.toUpperCase(),
      activated: true,
      phone: user.phone === undefined ? undefined : [user.phone],
    });
  }
});
afterAll(async () => {
  await h.close();
});

function extensions(plan: Plan): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const op of plan.operations) {
    if (op.kind === 'create' && op.login.startsWith('ext.')) out[op.login] = op.record['009ext_extension'];
  }
  return out;
}

function rejectedCauses(plan: Plan): Array<[string, string[]]> {
  return plan.causes
    .filter((cause) => cause.level === 'rejected')
    .map((cause) => [cause.cause, cause.examples.map((e) => e.login ?? e.dn)]);
}

describe('extensions with a fresh default config (only a pool)', () => {
  let c: Connector;

  beforeEach(async () => {
    h.sim.reset();
    c = await h.connector({ extensions: { pool: '500-599' } });
  });
  afterEach(async () => {
    await c.stop();
  });

  it('gives every user the number people dial, never a cut one', async () => {
    const { plan } = await c.app.fullSync.simulate('test');
    expect(extensions(plan)).toEqual({
      [login('a')]: '10006',
      [login('b')]: '20006',
      [login('c')]: '10041',
      [login('d')]: '500',
      [login('e')]: '101',
      [login('i')]: '2041',
      [login('j')]: '501',
    });
  });

  it('rejects only the user who really conflicts and the numbers pascom refuses, grouped by cause', async () => {
    const { plan } = await c.app.fullSync.simulate('test');
    expect(rejectedCauses(plan)).toEqual([
      ['extension-conflict', [login('f')]],
      ['extension-invalid.emergency', [login('h')]],
      ['extension-invalid.single-digit', [login('g')]],
    ]);
    const conflict = plan.causes[0]?.examples[0]?.reason.message;
    expect(conflict).toContain(`extension 101 is already used by ${login('e')}`);
  });

  it('tells which user got a pool number for want of a recognisable extension, and the fix', async () => {
    const { plan } = await c.app.fullSync.simulate('test');
    const d = plan.operations.find((op): op is CreateOp => op.kind === 'create' && op.login === login('d'));
    expect(d?.notes?.[0]?.message).toContain('set extensions.phonePrefix');
    expect(plan.causes.filter((cause) => cause.level === 'notice')).toEqual([
      expect.objectContaining({
        cause: 'extension-unrecognised.pool',
        count: 1,
        params: expect.objectContaining({ suggestion: '+49 441 12345' }) as unknown,
      }),
    ]);
  });

  it('imports them, pascom accepting every extension, with the phonebook display name set', async () => {
    const result = await c.importNow();
    expect(result.failed).toBe(0);
    const held = Object.fromEntries(
      h.sim
        .identities()
        .filter((i) => i['003use_name'].startsWith('ext.'))
        .map((i) => [i['003use_name'], [i['009ext_extension'], i.post?.phonebook[0]?.['028pho_bez']]]),
    );
    expect(held[login('a')]).toEqual(['10006', `Ext A`]);
    expect(held[login('b')]).toEqual(['20006', `Ext B`]);
    expect(Object.keys(held)).toHaveLength(7);
  });
});

describe('extensions.phonePrefix', () => {
  it('takes the direct-dial number of every notation, the one without separator too', async () => {
    h.sim.reset();
    const c = await h.connector({ extensions: { pool: '500-599', phonePrefix: '+49 (0)441 12345' } });
    try {
      const { plan } = await c.app.fullSync.simulate('test');
      expect(extensions(plan)).toMatchObject({ [login('d')]: '10167', [login('e')]: '101', [login('j')]: '500' });
      expect(plan.causes.filter((cause) => cause.level === 'notice')).toEqual([]);
    } finally {
      await c.stop();
    }
  });
});

describe('the pool', () => {
  it('skips 110 and 112', async () => {
    h.sim.reset();
    const c = await h.connector({ extensions: { pool: '110-113' } });
    try {
      const { plan } = await c.app.fullSync.simulate('test');
      expect(extensions(plan)).toMatchObject({ [login('d')]: '111', [login('j')]: '113' });
    } finally {
      await c.stop();
    }
  });

  it('is a config error naming the key when it holds no number pascom accepts', async () => {
    await expect(h.connector({ extensions: { pool: '0-9' } })).rejects.toThrow(
      /extensions\.pool: "0-9" holds no number pascom accepts/,
    );
  });
});

describe('simulate --json', () => {
  it('adds the grouped causes and leaves the rest of the object as it was', async () => {
    h.sim.reset();
    const c = await h.connector({ extensions: { pool: '500-599' } });
    await c.stop();
    const result = await cli(['simulate', '--json', '--config', c.fixture.configPath]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as {
      rejected: Array<{ dn: string; reasons: string[] }>;
      causes: Array<{ cause: string; level: string; count: number; hint: string; examples: Array<{ login: string }> }>;
    };
    expect(Object.keys(json)).toEqual(['summary', 'create', 'update', 'delete', 'rejected', 'causes']);
    const ours = json.causes.filter((cause) => cause.examples.some((e) => e.login?.startsWith('ext.')));
    expect(ours.map((cause) => [cause.cause, cause.level, cause.count])).toEqual([
      ['extension-conflict', 'rejected', 1],
      ['extension-invalid.emergency', 'rejected', 1],
      ['extension-invalid.single-digit', 'rejected', 1],
      ['extension-unrecognised.pool', 'notice', 1],
    ]);
    expect(ours[1]?.hint).toContain('110 and 112');
    expect(json.rejected.filter((r) => r.dn.includes('uid=ext.'))).toHaveLength(3);
  });

  it('prints one line per cause in the text summary', async () => {
    h.sim.reset();
    const c = await h.connector({ extensions: { pool: '500-599' } });
    await c.stop();
    const result = await cli(['simulate', '--config', c.fixture.configPath]);
    expect(result.stdout).toMatch(/^\s+1 × extension-conflict \(009ext_extension\): /m);
    expect(result.stdout).toMatch(/^\s+1 × extension-unrecognised\.pool \(009ext_extension\): .*"\+49 441 12345"/m);
    expect(result.stdout).toContain(`note: phone number "+49 441 12345 10167" has no recognisable extension`);
  });
});

describe('the pascom simulator', () => {
  it.each([
    ['0815', 'must not start with 0'],
    ['7', 'must not be a single digit'],
    ['110', 'emergency'],
    ['112', 'emergency'],
    ['12a', 'digits only'],
  ])('refuses extension %j with 400 naming 009ext_extension (%s)', async (extension, words) => {
    const body = { '003use_name': login(`sim${extension}`), '003use_bez': 'Sim', '009ext_extension': extension };
    const answer = await rawRequest(h.sim, 'POST', '/identity/', { body });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: expect.stringContaining(words) as unknown, field: '009ext_extension' });
  });

  it('accepts a 4- or 5-digit direct-dial extension', async () => {
    h.sim.reset();
    const body = { '003use_name': login('sim5'), '003use_bez': 'Sim', '009ext_extension': '10006' };
    expect((await rawRequest(h.sim, 'POST', '/identity/', { body })).status).toBe(201);
  });
});
