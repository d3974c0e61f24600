/**
 * Whether UCS marks a user disabled or locked. UDM writes the three disable
 * flags together, but a computer account cannot read `krb5KDCFlags`, so any one of them counts.
 */
import { firstValue } from './sources.js';
import type { DirectoryUser } from './types.js';

/** `krb5KDCFlags` bit "invalid": 126 is an enabled principal, 254 a disabled one. */
const KDC_DISABLED_BIT = 128;

/** The letters between the brackets of `sambaAcctFlags`, e.g. `[UD         ]` → `UD`. */
function sambaFlags(user: DirectoryUser): string {
  return firstValue(user, 'sambaAcctFlags').replace(/[[\]\s]/g, '');
}

function integer(user: DirectoryUser, attribute: string): number | undefined {
  const raw = firstValue(user, attribute).trim();
  if (!/^-?\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * `todayDays` is today in days since 1970-01-01 (UTC), the unit of `shadowExpire`; the caller
 * derives it from its clock. An account expires on the day `shadowExpire` names, so that day
 * counts as expired. `shadowExpire` 0 or negative is not an expiry (shadow(5) calls 0
 * ambiguous; UDM writes 1 when it disables a user).
 */
export function isDisabled(user: DirectoryUser, todayDays: number): boolean {
  if (sambaFlags(user).includes('D')) return true;
  const kdc = integer(user, 'krb5KDCFlags');
  if (kdc !== undefined && (kdc & KDC_DISABLED_BIT) !== 0) return true;
  const expire = integer(user, 'shadowExpire');
  return expire !== undefined && expire > 0 && expire <= todayDays;
}

/** Locked after too many failed logins: not the same as disabled, and not a reason to remove. */
export function isLocked(user: DirectoryUser): boolean {
  return sambaFlags(user).includes('L');
}

/** Days since 1970-01-01 for a point in time given in milliseconds (the caller's clock). */
export function daysSinceEpoch(epochMs: number): number {
  return Math.floor(epochMs / 86_400_000);
}
