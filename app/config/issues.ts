/**
 * Turns zod issues into `ConfigError`s that name the key, the value and what was expected
 * (`ucs.url: "ldp://x" is not an ldap:// or ldaps:// URL`). Secret values are never shown.
 */
import type { z } from 'zod';
import { KEY_CATALOG } from './schema.js';
import { kindOf, show } from './show.js';

export interface ConfigError {
  /** Dotted key such as `ucs.url` or `mapping[2].field`; empty for problems of the whole file. */
  readonly path: string;
  /** English, starting with the key: `ucs.url: "ldp://x" is not an ldap:// or ldaps:// URL`. */
  readonly message: string;
}

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;

const SECRET_KEY = /^password$/i;

export function dottedPath(segments: readonly Segment[]): string {
  return segments.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text === '' ? String(segment) : `${text}.${String(segment)}`;
  }, '');
}

function valueAt(input: unknown, segments: readonly Segment[]): unknown {
  let current = input;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Reflect.get(current, segment);
  }
  return current;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? Number.MAX_SAFE_INTEGER;
}

/** The closest valid key, when one is close enough to be a typo. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const scored = known
    .map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance);
  const best = scored[0];
  if (best === undefined) return undefined;
  return best.distance <= Math.max(1, Math.floor(key.length / 4)) ? best.candidate : undefined;
}

function unknownKeyErrors(issue: Extract<Issue, { code: 'unrecognized_keys' }>): ConfigError[] {
  const section = dottedPath(issue.path.map((segment) => (typeof segment === 'number' ? '[]' : segment))).replace(
    /\.\[\]/g,
    '[]',
  );
  const known = KEY_CATALOG[section] ?? [];
  return issue.keys.map((key) => {
    const path = dottedPath([...issue.path, key]);
    const suggestion = didYouMean(key, known);
    const hint = suggestion === undefined ? `expected one of ${known.join(', ')}` : `did you mean "${suggestion}"?`;
    return { path, message: `${path}: unknown key (${hint})` };
  });
}

function describe(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `is required (expected ${article(issue.expected)})`;
      return `${show(value)} is ${kindOf(value)}, expected ${article(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'string') return `${show(value)} is empty`;
      if (issue.origin === 'array') return `is an empty list (expected at least ${String(issue.minimum)} entry)`;
      return `${show(value)} is below the minimum ${String(issue.minimum)}`;
    case 'too_big':
      return `${show(value)} is above the maximum ${String(issue.maximum)}`;
    case 'invalid_value':
      return `${show(value)} is not one of ${issue.values.map((option) => show(option)).join(', ')}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  if (expected === 'object') return 'a mapping';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

export function issuesToErrors(issues: readonly Issue[], input: unknown): ConfigError[] {
  return issues.flatMap((issue): ConfigError[] => {
    if (issue.code === 'unrecognized_keys') return unknownKeyErrors(issue);
    const path = dottedPath(issue.path);
    const last = issue.path[issue.path.length - 1];
    if (typeof last === 'string' && SECRET_KEY.test(last)) {
      return [{ path, message: `${path}: is invalid (expected a non-empty string; the value is not shown)` }];
    }
    const text = describe(issue, valueAt(input, issue.path));
    return [{ path, message: path === '' ? text : `${path}: ${text}` }];
  });
}

/** One line per error, for the CLI and logs. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map((error) => `  - ${error.message}`).join('\n');
}
