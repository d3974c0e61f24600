import { describe, expect, it } from 'vitest';
import { allocateExtensions, type ExtensionClaim, type ExtensionOutcome } from '../../../app/core/extensions.js';
import type { Holder } from '../../../app/core/reasons.js';
import type { ExtensionRule } from '../../../app/core/rules.js';
import { dnOf, uuidOf } from './builders.js';

const FIELD = '009ext_extension';
const POOL: ExtensionRule = { pool: { from: 100, to: 104 } };
const NO_POOL: ExtensionRule = { pool: undefined };

function claim(login: string, candidate?: string, stored?: string): ExtensionClaim {
  return { uuid: uuidOf(login), dn: dnOf(login), login, candidate, stored };
}

function managed(login: string): Holder {
  return { uuid: uuidOf(login), login, dn: dnOf(login) };
}

function allocate(
  claims: ExtensionClaim[],
  taken: [string, Holder][] = [],
  rule = POOL,
): Map<string, ExtensionOutcome> {
  return allocateExtensions(claims, new Map(taken), rule, FIELD);
}

function extensionOf(outcomes: Map<string, ExtensionOutcome>, login: string): string | undefined {
  const outcome = outcomes.get(uuidOf(login));
  if (outcome === undefined || !outcome.ok) throw new Error(`${login} has no extension outcome`);
  return outcome.extension;
}

function reasonOf(outcomes: Map<string, ExtensionOutcome>, login: string): { code: string; message: string } {
  const outcome = outcomes.get(uuidOf(login));
  if (outcome === undefined || outcome.ok) throw new Error(`${login} was not rejected`);
  return outcome.reason;
}

describe('stability', () => {
  it('keeps the extension when telephoneNumber is unchanged', () => {
    const out = allocate([claim('jdoe', '201', '201')], [['201', managed('jdoe')]]);
    expect(extensionOf(out, 'jdoe')).toBe('201');
  });

  it('gives the new number when the phone-derived candidate changes', () => {
    const out = allocate([claim('jdoe', '202', '201')], [['201', managed('jdoe')]]);
    expect(extensionOf(out, 'jdoe')).toBe('202');
  });

  it('keeps a pool number while the user still has no phone number', () => {
    const out = allocate([claim('jdoe', undefined, '103')], [['103', managed('jdoe')]]);
    expect(extensionOf(out, 'jdoe')).toBe('103');
  });

  it('draws from the pool when the phone number behind a stored extension is gone', () => {
    const out = allocate([claim('jdoe', undefined, '201')], [['201', managed('jdoe')]]);
    expect(extensionOf(out, 'jdoe')).toBe('100');
  });

  it('omits the extension when no pool is configured and the user has no phone number', () => {
    const out = allocate([claim('jdoe')], [], NO_POOL);
    expect(out.get(uuidOf('jdoe'))).toEqual({ ok: true, extension: undefined });
  });
});

describe('conflicts', () => {
  it('lets the user holding the number keep it and rejects the newcomer, naming both', () => {
    const out = allocate([claim('anna', '101'), claim('jdoe', '101', '101')], [['101', managed('jdoe')]]);
    expect(extensionOf(out, 'jdoe')).toBe('101');
    const reason = reasonOf(out, 'anna');
    expect(reason.code).toBe('extension-conflict');
    expect(reason.message).toContain(`extension 101 is already used by jdoe (${dnOf('jdoe')})`);
    expect(reason.message).toContain(`anna (${dnOf('anna')})`);
  });

  it('orders new claimants by login, then uuid', () => {
    const out = allocate([claim('zoe', '101'), claim('bob', '101'), claim('max', '101')]);
    expect(extensionOf(out, 'bob')).toBe('101');
    expect(reasonOf(out, 'max').message).toContain('already used by bob');
    expect(reasonOf(out, 'zoe').message).toContain('already used by bob');
  });

  it('rejects a claim on a number a managed user outside this plan still holds', () => {
    const out = allocate([claim('anna', '101')], [['101', managed('gone')]]);
    expect(reasonOf(out, 'anna')).toMatchObject({
      code: 'extension-conflict',
      message: expect.stringContaining(`used by gone (${dnOf('gone')})`),
    });
  });

  it('hands over a number its holder gives up in the same plan', () => {
    const out = allocate([claim('jdoe', '102', '101'), claim('anna', '101')], [['101', managed('jdoe')]]);
    expect(extensionOf(out, 'jdoe')).toBe('102');
    expect(extensionOf(out, 'anna')).toBe('101');
  });

  it('rejects a number held by an identity the connector does not manage, naming it', () => {
    const out = allocate([claim('anna', '101')], [['101', { login: 'reception' }]]);
    expect(reasonOf(out, 'anna')).toMatchObject({
      code: 'extension-taken-by-unmanaged',
      message: expect.stringContaining('reception'),
    });
  });
});

describe('the pool', () => {
  it('hands out the lowest free numbers in login order', () => {
    const out = allocate([claim('zoe'), claim('anna')]);
    expect([extensionOf(out, 'anna'), extensionOf(out, 'zoe')]).toEqual(['100', '101']);
  });

  it('skips numbers held by anchors, pascom identities and claims of the plan', () => {
    const out = allocate(
      [claim('anna'), claim('bob', '102')],
      [
        ['100', managed('held')],
        ['101', { login: 'reception' }],
      ],
    );
    expect(extensionOf(out, 'anna')).toBe('103');
  });

  it('does not hand out a number released in the same run', () => {
    const out = allocate([claim('jdoe', '150', '100'), claim('anna')], [['100', managed('jdoe')]]);
    expect(extensionOf(out, 'anna')).toBe('101');
  });

  it('redraws when a stored pool number now belongs to someone else', () => {
    const out = allocate([claim('jdoe', undefined, '100')], [['100', { login: 'reception' }]]);
    expect(extensionOf(out, 'jdoe')).toBe('101');
  });

  it('rejects users once the pool is full, naming the range', () => {
    const users = ['a', 'b', 'c', 'd', 'e', 'f'].map((login) => claim(login));
    const out = allocate(users);
    expect(extensionOf(out, 'e')).toBe('104');
    expect(reasonOf(out, 'f')).toEqual(
      expect.objectContaining({ code: 'extension-pool-exhausted', message: expect.stringContaining('100-104') }),
    );
  });
});

describe('a single user (the listener path)', () => {
  it('recognises its own entry in the taken map', () => {
    const out = allocate([claim('jdoe', '101', '101')], [['101', managed('jdoe')]]);
    expect(extensionOf(out, 'jdoe')).toBe('101');
  });

  it('is rejected when another anchor holds the number', () => {
    const out = allocate([claim('jdoe', '101')], [['101', managed('anna')]]);
    expect(reasonOf(out, 'jdoe').code).toBe('extension-conflict');
  });
});

describe("pascom's extension rules", () => {
  it.each([
    ['006', 'leading-zero', 'starting with 0'],
    ['0', 'single-digit', 'single-digit'],
    ['7', 'single-digit', 'single-digit'],
    ['110', 'emergency', '110 and 112'],
    ['112', 'emergency', '110 and 112'],
    ['12a', 'not-digits', 'digits only'],
  ])('rejects the phone-derived number %j, naming the rule (%s)', (candidate, problem, words) => {
    const phone = `+49 441 12345-${candidate}`;
    const out = allocate([{ ...claim('jdoe', candidate), phone }]);
    const reason = reasonOf(out, 'jdoe');
    expect(reason).toMatchObject({ code: 'extension-invalid', params: { extension: candidate, problem, phone } });
    expect(reason.message).toContain(words);
    expect(reason.message).toContain(phone);
  });

  it('does not hand a refused number to anyone else either', () => {
    const out = allocate([claim('a', '112'), claim('b')]);
    expect(reasonOf(out, 'a').code).toBe('extension-invalid');
    expect(extensionOf(out, 'b')).toBe('100');
  });

  it('skips 110 and 112 when drawing from the pool', () => {
    const rule: ExtensionRule = { pool: { from: 109, to: 113 } };
    const out = allocate([claim('a'), claim('b'), claim('c')], [], rule);
    expect(['a', 'b', 'c'].map((login) => extensionOf(out, login))).toEqual(['109', '111', '113']);
  });

  it('skips single digits when drawing from the pool', () => {
    const out = allocate([claim('a'), claim('b')], [], { pool: { from: 0, to: 11 } });
    expect([extensionOf(out, 'a'), extensionOf(out, 'b')]).toEqual(['10', '11']);
  });

  it('counts a pool of refused numbers as exhausted', () => {
    const out = allocate([claim('a')], [], { pool: { from: 110, to: 110 } });
    expect(reasonOf(out, 'a').code).toBe('extension-pool-exhausted');
  });

  it('lets go of a stored pool number pascom refuses and draws a new one', () => {
    const out = allocate([claim('jdoe', undefined, '110')], [['110', managed('jdoe')]], {
      pool: { from: 100, to: 120 },
    });
    expect(extensionOf(out, 'jdoe')).toBe('100');
  });
});
