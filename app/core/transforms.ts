/**
 * The value transforms a mapping rule may list (rules.ts `Transform`), one pure function each.
 * Every transform returns `''` for "no value"; the mapper then tries the next source.
 */
import { extractExtension } from './phone-number.js';
import type { ExtensionRule, Transform } from './rules.js';

export type TransformFn = (value: string, extensions: ExtensionRule) => string;

/** Strip leading/trailing white space and collapse inner runs to one space. */
export function trim(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

export function lowercase(value: string): string {
  return value.toLowerCase();
}

export function uppercase(value: string): string {
  return value.toUpperCase();
}

/**
 * `+<digits>` when the number has a leading `+`, else digits only: separators (spaces, dashes,
 * slashes, dots, parentheses) and any other non-digit are dropped. The trunk prefix written as
 * `(0)` after a country code is not dialled and goes too: `+49 (0)441 12345-101` → `+4944112345101`.
 */
export function phone(value: string): string {
  const trimmed = value.trim();
  const international = trimmed.startsWith('+');
  const withoutTrunk = international ? trimmed.replace(/\(\s*0\s*\)/g, '') : trimmed;
  const digits = withoutTrunk.replace(/\D/g, '');
  if (digits === '') return '';
  return international ? `+${digits}` : digits;
}

/**
 * The internal extension of a phone number (phone-number.ts `extractExtension`): the rest after a
 * configured company base number, else the `-` suffix, else a short number itself; `''` when no
 * part of the number is recognisably the extension (the planner then says so and uses the pool).
 */
export function internalExtension(value: string, extensions: ExtensionRule): string {
  const found = extractExtension(value, { prefixes: extensions.prefixes ?? [], digits: extensions.digits });
  return 'extension' in found ? found.extension : '';
}

/** Letters that Unicode decomposition does not reduce to ASCII, and the German special cases (rows read better). */
// prettier-ignore
const ASCII_TABLE: Readonly<Record<string, string>> = {
  ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ß: 'ss', ẞ: 'SS',
  æ: 'ae', Æ: 'Ae', œ: 'oe', Œ: 'Oe', ø: 'o', Ø: 'O', å: 'a', Å: 'A',
  ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', þ: 'th', Þ: 'Th', ı: 'i',
};

/**
 * Make a login out of a name pascom would refuse: `ä/ö/ü/ß` → `ae/oe/ue/ss`, the letters in
 * `ASCII_TABLE` by the table, any other letter with diacritics loses them (`é` → `e`, by
 * Unicode decomposition), runs of white space → `.`, and every other character outside
 * `[A-Za-z0-9._-]` is dropped. Case is kept on purpose: `lowercase` is a separate transform,
 * and the login check reports capitals the rule does not fix.
 */
export function asciiLogin(value: string): string {
  const replaced = [...value.trim()].map((ch) => ASCII_TABLE[ch] ?? ch).join('');
  return replaced
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, '.')
    .replace(/[^A-Za-z0-9._-]/g, '');
}

export const TRANSFORMS: Readonly<Record<Transform, TransformFn>> = {
  trim,
  lowercase,
  uppercase,
  phone,
  internalExtension,
  asciiLogin,
};

/** Apply `transforms` in order; stops early once the value is empty. */
export function applyTransforms(value: string, transforms: readonly Transform[], extensions: ExtensionRule): string {
  let result = value;
  for (const name of transforms) {
    if (result === '') return '';
    result = TRANSFORMS[name](result, extensions);
  }
  return result;
}
