import { describe, expect, it } from 'vitest';
import { diffRecords, type DiffMode } from '../../../app/core/diff.js';
import type { FieldPolicy } from '../../../app/core/rules.js';

/**
 * The policy matrix, generated like lsc's `L2L_<Attr>_<Policy>_D…_C…` suite: policy × value in
 * the directory (D) × value in pascom (C) × create/update. The expectation comes from the
 * truth table below, not from the code under test.
 */
const WRITES: Record<FieldPolicy, (mode: DiffMode, pascomHasValue: boolean) => boolean> = {
  force: () => true,
  createOnly: (mode) => mode === 'create',
  default: (mode, pascomHasValue) => mode === 'create' || !pascomHasValue,
};

const DIRECTORY = { D0: undefined, D1: 'new' } as const;
const PASCOM = { C0: undefined, C1: 'new', C2: 'old' } as const;
const POLICIES: FieldPolicy[] = ['force', 'createOnly', 'default'];
const MODES: DiffMode[] = ['create', 'update'];

interface Case {
  name: string;
  policy: FieldPolicy;
  mode: DiffMode;
  desired: string | undefined;
  current: string | undefined;
  expected: string | undefined;
}

const cases: Case[] = [];
for (const policy of POLICIES) {
  for (const [dKey, desired] of Object.entries(DIRECTORY)) {
    for (const [cKey, current] of Object.entries(PASCOM)) {
      for (const mode of MODES) {
        if (mode === 'create' && current !== undefined) continue;
        const expected = WRITES[policy](mode, current !== undefined) ? desired : current;
        cases.push({ name: `L2L_ext_${policy}_${dKey}_${cKey}_${mode}`, policy, mode, desired, current, expected });
      }
    }
  }
}

function rec(value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { f: value };
}

describe('field policies', () => {
  it.each(cases)('$name → $expected', ({ policy, mode, desired, current, expected }) => {
    const result = diffRecords(
      mode === 'create' ? undefined : rec(current),
      rec(desired),
      [{ field: 'f', policy }],
      mode,
    );
    expect(result.record['f']).toBe(expected);
    const change = expected === current ? undefined : { from: current, to: expected };
    expect(result.changes['f']).toEqual(change);
  });

  it('covers every combination', () => {
    expect(cases).toHaveLength(POLICIES.length * 2 * (3 + 1));
  });
});

describe('diffRecords', () => {
  const rules = [
    { field: 'a', policy: 'force' as const },
    { field: 'b', policy: 'force' as const },
  ];

  it('lists only the fields that differ', () => {
    const { changes } = diffRecords({ a: '1', b: '2' }, { a: '1', b: '3' }, rules, 'update');
    expect(changes).toEqual({ b: { from: '2', to: '3' } });
  });

  it('clears a force field the directory no longer has', () => {
    const { record, changes } = diffRecords({ a: '1', b: '2' }, { a: '1' }, rules, 'update');
    expect(record).toEqual({ a: '1' });
    expect(changes).toEqual({ b: { from: '2', to: undefined } });
  });

  it('never touches or returns fields no rule covers', () => {
    const { record, changes } = diffRecords({ a: '1', voicemail: 'on' }, { a: '1', stray: 'x' }, rules, 'update');
    expect(record).toEqual({ a: '1' });
    expect(changes).toEqual({});
  });

  it('treats an empty string in pascom as no value', () => {
    const { changes } = diffRecords({ a: '' }, {}, rules, 'update');
    expect(changes).toEqual({});
  });
});
