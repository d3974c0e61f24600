/**
 * The `extensions:` section of config.yaml: how a user's phone number becomes its pascom
 * extension (app/core/phone-number.ts) and the pool for users without one. pascom's extension
 * rules (app/core/extension-rules.ts) are checked here for the pool, so a pool pascom would
 * refuse entirely is a config error rather than a run of rejected users.
 */
import { z } from 'zod';
import { poolHasAllowedNumber } from '../core/extension-rules.js';
import { parsePhonePrefix } from '../core/phone-number.js';
import { show } from './show.js';

const POOL = /^\s*(\d+)\s*-\s*(\d+)\s*$/;

/** `"100-199"` → `{from: 100, to: 199}`; empty → no pool. */
export function parsePool(text: string): { from: number; to: number } | undefined {
  const match = POOL.exec(text);
  if (match === null) return undefined;
  return { from: Number(match[1]), to: Number(match[2]) };
}

const poolSchema = z
  .string()
  .superRefine((text, ctx) => {
    if (text.trim() === '') return;
    const pool = parsePool(text);
    if (pool === undefined)
      ctx.addIssue({
        code: 'custom',
        message: `${show(text)} is not a number range (expected "FROM-TO", e.g. "100-199")`,
      });
    else if (pool.from > pool.to)
      ctx.addIssue({ code: 'custom', message: `${show(text)} starts above its end (expected FROM ≤ TO)` });
    else if (!poolHasAllowedNumber(pool))
      ctx.addIssue({
        code: 'custom',
        message: `${show(text)} holds no number pascom accepts as an extension (not starting with 0, not a single digit, not 110 or 112), e.g. "100-199"`,
      });
  })
  .transform((text) => (text.trim() === '' ? undefined : parsePool(text)))
  .optional();

const prefixText = z.string().superRefine((text, ctx) => {
  const parsed = parsePhonePrefix(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `${show(text)} ${parsed.problem}` });
});

/** One base number or a list; always a list after validation. */
const phonePrefixSchema = z
  .union([prefixText, z.array(prefixText)], {
    error: (iss) => `${show(iss.input)} is not a phone number or a list of them (e.g. "+49 441 12345")`,
  })
  .transform((value) => (typeof value === 'string' ? [value] : value))
  .optional();

export const extensionsShape = {
  /**
   * The company's base numbers (one or a list, any notation: `"+49 441 12345"`, `"+49 (0)441 12345"`,
   * `"0441 12345"`). A phone number starting with one gives the rest as the extension, whatever its
   * length. Written internationally (country code as its own group) it also matches the national
   * form with trunk prefix 0 (`0441 12345…`). Default: none.
   */
  phonePrefix: phonePrefixSchema,
  /**
   * Deprecated; only for configs that set it: keep the last `digits` digits of a phone number (or its
   * `-` suffix when that short) as the extension (1–10). Default: not set — numbers are never cut.
   */
  digits: z.number().int().min(1).max(10).optional(),
  /** Numbers handed out to users without a usable phone number, inclusive, `"100-199"`; numbers pascom refuses (0…, single digits, 110, 112) are skipped. Default: none (such users get no extension). */
  pool: poolSchema,
};
