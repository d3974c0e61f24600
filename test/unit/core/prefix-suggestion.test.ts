/** The base number a notice suggests for `extensions.phonePrefix`, learnt from the directory's own numbers. */
import { describe, expect, it } from 'vitest';
import { PrefixSuggester } from '../../../app/core/prefix-suggestion.js';

function suggester(...phones: string[]): PrefixSuggester {
  const s = new PrefixSuggester();
  for (const phone of phones) s.observe(phone);
  return s;
}

describe('PrefixSuggester', () => {
  it('suggests the base that numbers with a direct-dial suffix show, in its plainest notation', () => {
    const s = suggester('+49 (0)441 12345-10041', '+49 441 12345-10006', '0441 12345-101');
    expect(s.suggest('+49 441 12345 10167')).toBe('+49 441 12345');
  });

  it('matches a national number to a base written internationally', () => {
    const s = suggester('+49 441 12345-10006', '+49 441 12345-10007');
    expect(s.suggest('0441 1234510167')).toBe('+49 441 12345');
  });

  it('does not take an area code before a dash for a company base number', () => {
    expect(suggester('0441-123456', '0441-123457').suggest('0441 1234580')).toBe('');
  });

  it('ignores a base only one user shows', () => {
    expect(suggester('+49 30 9876-222').suggest('+49 30 9876 333')).toBe('');
  });

  it('suggests nothing for a number no known base starts with', () => {
    const s = suggester('+49 441 12345-10006', '+49 441 12345-10007');
    expect(s.suggest('+49 30 9876 333')).toBe('');
  });
});
