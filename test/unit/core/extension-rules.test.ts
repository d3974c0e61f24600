/** pascom's extension rules: digits only, no leading 0, not a single digit, not 110 or 112. */
import { describe, expect, it } from 'vitest';
import { extensionProblem, poolHasAllowedNumber } from '../../../app/core/extension-rules.js';

describe('extensionProblem', () => {
  it.each([
    ['0', 'single-digit'],
    ['7', 'single-digit'],
    ['006', 'leading-zero'],
    ['0441', 'leading-zero'],
    ['110', 'emergency'],
    ['112', 'emergency'],
    ['10a', 'not-digits'],
    ['', 'not-digits'],
  ])('refuses %j (%s)', (extension, problem) => {
    expect(extensionProblem(extension)).toBe(problem);
  });

  it.each(['10', '100', '111', '113', '1100', '1120', '10006', '12345678'])('accepts %j', (extension) => {
    expect(extensionProblem(extension)).toBeUndefined();
  });
});

describe('poolHasAllowedNumber', () => {
  it.each([
    [{ from: 0, to: 9 }, false],
    [{ from: 110, to: 110 }, false],
    [{ from: 112, to: 112 }, false],
    [{ from: 5, to: 10 }, true],
    [{ from: 110, to: 112 }, true],
    [{ from: 100, to: 199 }, true],
    [{ from: 0, to: 1_000_000_000 }, true],
  ])('%j → %s', (pool, expected) => {
    expect(poolHasAllowedNumber(pool)).toBe(expected);
  });
});
