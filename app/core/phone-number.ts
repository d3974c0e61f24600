/**
 * Phone numbers as people write them in UCS (`+49 441 12345-10006`, `+49 (0)441 12345-10041`,
 * `0441 12345-101`, `101`) reduced to what is dialled, and the internal extension taken from them.
 *
 * Notation: `+` and a leading `00` mark an international number (country code first); `(0)`
 * after the country code is the national trunk prefix, which is not dialled from abroad, and
 * goes; spaces, `-`, `/`, `.` and parentheses are separators. A company base number
 * (`extensions.phonePrefix`) written internationally, `+49 441 12345`, also matches the
 * national form of the same number, `0441 12345…`: the national form is the trunk prefix `0`
 * followed by the number without its country code. That is the rule in Germany, Austria,
 * Switzerland and most of Europe; where it differs (Italy keeps the 0 after the country code),
 * list the national form as a second prefix.
 */

/** A number as dialled: international (country code first, no `+`) or as written nationally/locally. */
export interface DialForm {
  readonly international: boolean;
  readonly digits: string;
}

/** A company base number (`extensions.phonePrefix`), in the two forms a user's number may take. */
export interface PhonePrefix {
  /** As the admin wrote it, for messages. */
  readonly text: string;
  /** Country code and number, digits only (`4944112345`); undefined for a prefix written nationally. */
  readonly international: string | undefined;
  /** The national form with trunk prefix (`044112345`), or the prefix's digits as written nationally. */
  readonly national: string;
}

/** Numbers up to this many digits are internal numbers in themselves (`101`, `10006`). */
export const SHORT_NUMBER_DIGITS = 6;
/** A direct-dial suffix after the last `-` has at most this many digits. */
export const SUFFIX_DIGITS = 8;

const SEPARATORS = /[\s\-/.()]+/;

/** `+49 (0)441 12345-101` → `{international: true, digits: '4944112345101'}`; undefined without digits. */
export function dialForm(value: string): DialForm | undefined {
  const trimmed = value.trim();
  const plus = trimmed.startsWith('+');
  const body = plus ? trimmed.slice(1).replace(/\(\s*0\s*\)/g, '') : trimmed;
  const digits = body.replace(/\D/g, '');
  if (digits === '') return undefined;
  // `0049 441 …`: the international call prefix used in most of Europe. A short internal number
  // such as `007` is not one.
  if (!plus && digits.startsWith('00') && digits.length > SHORT_NUMBER_DIGITS) {
    return { international: true, digits: digits.slice(2).replace(/^0+/, '') };
  }
  return { international: plus, digits };
}

export type PrefixParse =
  { readonly ok: true; readonly prefix: PhonePrefix } | { readonly ok: false; readonly problem: string };

/**
 * Reads one `extensions.phonePrefix` entry. Internationally written (`+49 441 12345`, `0049 441
 * 12345`, `+49 (0)441 12345`) the country code must be its own group: without a table of country
 * codes nothing else tells where it ends, and the national form needs it.
 */
export function parsePhonePrefix(text: string): PrefixParse {
  const trimmed = text.trim();
  if (!/^[\d\s+()\-/.]+$/.test(trimmed)) {
    return { ok: false, problem: 'may contain only digits, "+", "(0)", spaces, "-", "/" and "."' };
  }
  const international = trimmed.startsWith('+') || /^00[1-9]/.test(trimmed);
  if (!international) {
    const digits = trimmed.replace(/\D/g, '');
    if (digits.length < 3) return { ok: false, problem: 'needs at least 3 digits' };
    return { ok: true, prefix: { text: trimmed, international: undefined, national: digits } };
  }
  const body = trimmed.replace(/^(\+|00)/, '').replace(/\(\s*0\s*\)/g, ' ');
  const groups = body.split(SEPARATORS).filter((group) => group !== '');
  const [country, ...rest] = groups;
  if (country === undefined || rest.length === 0 || country.length > 3 || !/^\d+$/.test(country)) {
    return {
      ok: false,
      problem: 'must write the country code as its own group, e.g. "+49 441 12345"',
    };
  }
  const number = rest.join('').replace(/\D/g, '');
  return { ok: true, prefix: { text: trimmed, international: `${country}${number}`, national: `0${number}` } };
}

/** The longest prefix `form` starts with, and what follows it. */
export function matchPrefix(
  form: DialForm,
  prefixes: readonly PhonePrefix[],
): { readonly prefix: PhonePrefix; readonly rest: string } | undefined {
  let best: { prefix: PhonePrefix; base: string } | undefined;
  for (const prefix of prefixes) {
    const base = form.international ? prefix.international : prefix.national;
    if (base === undefined || !form.digits.startsWith(base)) continue;
    if (best === undefined || base.length > best.base.length) best = { prefix, base };
  }
  return best === undefined ? undefined : { prefix: best.prefix, rest: form.digits.slice(best.base.length) };
}

/** How an extension was found in a phone number, or why none was. */
export type ExtensionSource =
  | { readonly kind: 'prefix' | 'suffix' | 'short' | 'digits'; readonly extension: string }
  /** The number has digits but no part of it is recognisably the extension. */
  | { readonly kind: 'unrecognised' }
  /** No digits at all (`n/a`). */
  | { readonly kind: 'empty' };

export interface ExtractOptions {
  readonly prefixes: readonly PhonePrefix[];
  /** Set only when the admin configured `extensions.digits`: keep its last-N-digits rule. */
  readonly digits: number | undefined;
}

const SUFFIX = new RegExp(`^\\d{1,${SUFFIX_DIGITS}}$`);

/** The digits after the last `-` (a direct-dial suffix), when there are 1..`SUFFIX_DIGITS` of them. */
export function dashSuffix(value: string): string | undefined {
  const dash = value.lastIndexOf('-');
  if (dash < 0) return undefined;
  const suffix = value.slice(dash + 1).trim();
  return SUFFIX.test(suffix) ? suffix : undefined;
}

/**
 * The internal extension of a phone number, in this order:
 * 1. a configured company base number it starts with → the rest, whatever its length;
 * 2. `extensions.digits` set explicitly → the old rule (the `-` suffix when that short, else the last N digits);
 * 3. the digits after the last `-` (up to 8);
 * 4. a number of at most 6 digits is itself the extension;
 * otherwise unrecognised: nothing is cut off a number silently.
 */
export function extractExtension(value: string, options: ExtractOptions): ExtensionSource {
  // Without a configured prefix most numbers end in a `-` suffix: take it before normalising anything.
  if (options.prefixes.length === 0 && options.digits === undefined) {
    const suffix = dashSuffix(value);
    if (suffix !== undefined) return { kind: 'suffix', extension: suffix };
  }
  const form = dialForm(value);
  if (form === undefined) return { kind: 'empty' };
  const match = matchPrefix(form, options.prefixes);
  if (match !== undefined) {
    return match.rest === '' ? { kind: 'unrecognised' } : { kind: 'prefix', extension: match.rest };
  }
  if (options.digits !== undefined) return { kind: 'digits', extension: lastDigits(value, options.digits) };
  const suffix = dashSuffix(value);
  if (suffix !== undefined) return { kind: 'suffix', extension: suffix };
  if (!form.international && form.digits.length <= SHORT_NUMBER_DIGITS)
    return { kind: 'short', extension: form.digits };
  return { kind: 'unrecognised' };
}

/** `extensions.digits`: the `-` suffix when it has at most `digits` digits, else the number's last `digits` digits. */
function lastDigits(value: string, digits: number): string {
  const dash = value.lastIndexOf('-');
  if (dash >= 0) {
    const suffix = value.slice(dash + 1).trim();
    if (/^\d+$/.test(suffix) && suffix.length <= digits) return suffix;
  }
  return value.replace(/\D/g, '').slice(-digits);
}
