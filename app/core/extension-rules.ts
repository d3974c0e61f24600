/**
 * pascom's rules for extension numbers, enforced on every number the connector hands out or
 * passes on: digits only, not starting with 0, not a single digit, not 110 or 112 (the German
 * emergency numbers). The rules come from pascom's documentation of users and extensions; the
 * REST API's own answer to a number breaking them is not documented (docs/pascom-api.md,
 * "Extension rules").
 */

export type ExtensionProblem = 'not-digits' | 'single-digit' | 'leading-zero' | 'emergency';

/** Numbers pascom keeps for emergency calls. */
export const EMERGENCY_NUMBERS: ReadonlySet<string> = new Set(['110', '112']);

/** The first rule `extension` breaks, or undefined when pascom accepts it. */
export function extensionProblem(extension: string): ExtensionProblem | undefined {
  if (!/^\d+$/.test(extension)) return 'not-digits';
  if (extension.length === 1) return 'single-digit';
  if (extension.startsWith('0')) return 'leading-zero';
  if (EMERGENCY_NUMBERS.has(extension)) return 'emergency';
  return undefined;
}

export function isAllowedExtension(extension: string): boolean {
  return extensionProblem(extension) === undefined;
}

/** English wording of each rule, for messages and hints. */
export const EXTENSION_RULE_TEXT: Readonly<Record<ExtensionProblem, string>> = {
  'not-digits': 'pascom accepts digits only',
  'single-digit': 'pascom refuses single-digit extensions',
  'leading-zero': 'pascom refuses extensions starting with 0',
  emergency: 'pascom refuses 110 and 112 (emergency numbers)',
};

/** Does the pool `from..to` hold at least one number pascom accepts? (`"0-9"` or `"110-110"` do not.) */
export function poolHasAllowedNumber(pool: { readonly from: number; readonly to: number }): boolean {
  for (let n = pool.from; n <= pool.to; n++) {
    if (isAllowedExtension(String(n))) return true;
  }
  return false;
}
