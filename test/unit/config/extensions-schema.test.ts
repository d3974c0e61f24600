/** The `extensions` section: base numbers in any notation, the pool pascom accepts, old configs still loading. */
import { describe, expect, it } from 'vitest';
import { toExtensionRule } from '../../../app/config/sync-rules.js';
import { validateConfig } from '../../../app/config/validate.js';
import type { ConfigError } from '../../../app/config/issues.js';
import type { ConfigFile } from '../../../app/config/schema.js';
import { context, rawWith } from './base-config.js';

function errorsOf(snippet: string): ConfigError[] {
  const result = validateConfig(rawWith(snippet), context());
  return result.ok ? [] : result.errors;
}

function valid(snippet: string): ConfigFile {
  const result = validateConfig(rawWith(snippet), context());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

describe('extensions.pool', () => {
  it.each(['0-9', '1-9', '110-110', '112-112'])('refuses %j, naming the key and the rules', (pool) => {
    const errors = errorsOf(`extensions: {pool: "${pool}"}`);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('extensions.pool');
    expect(errors[0]?.message).toContain('holds no number pascom accepts as an extension');
  });

  it.each(['0-10', '110-112', '100-199'])('accepts %j, which holds an allowed number', (pool) => {
    expect(errorsOf(`extensions: {pool: "${pool}"}`)).toEqual([]);
  });
});

describe('extensions.phonePrefix', () => {
  it('takes one base number or a list, in any notation', () => {
    expect(valid('extensions: {phonePrefix: "+49 441 12345"}').extensions.phonePrefix).toEqual(['+49 441 12345']);
    const rule = toExtensionRule(valid('extensions: {phonePrefix: ["+49 (0)441 12345", "0049 30 9876"]}').extensions);
    expect(rule.prefixes?.map((p) => [p.international, p.national])).toEqual([
      ['4944112345', '044112345'],
      ['49309876', '0309876'],
    ]);
  });

  it('refuses a prefix whose country code cannot be told apart, naming the key', () => {
    const errors = errorsOf('extensions: {phonePrefix: "+4944112345"}');
    expect(errors.map((e) => e.path)).toEqual(['extensions.phonePrefix']);
    expect(errors[0]?.message).toContain('country code as its own group');
  });

  it('refuses a list entry that is not a phone number', () => {
    expect(errorsOf('extensions: {phonePrefix: ["+49 441 12345", "office"]}')[0]?.path).toMatch(
      /^extensions\.phonePrefix/,
    );
  });
});

describe('extensions.digits', () => {
  it('is not set by default, so numbers are never cut', () => {
    expect(valid('').extensions.digits).toBeUndefined();
    expect(toExtensionRule(valid('').extensions)).toEqual({ digits: undefined, prefixes: [], pool: undefined });
  });

  it('still loads from a config that sets it', () => {
    expect(valid('extensions: {digits: 3, pool: "100-199"}').extensions.digits).toBe(3);
  });
});
