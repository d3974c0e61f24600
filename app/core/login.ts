/** What pascom accepts as a login. */
import { loginBadStart, loginHasBadCharacters, loginHasCapitals } from './reasons.js';
import type { Reason } from './types.js';

export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/** Every problem with a login after its transforms ran; empty when pascom will accept it. */
export function validateLogin(field: string, login: string): Reason[] {
  if (LOGIN_PATTERN.test(login)) return [];
  const reasons: Reason[] = [];
  if (/[A-Z]/.test(login)) reasons.push(loginHasCapitals(field, login));
  const bad = [...new Set([...login].filter((ch) => !/[A-Za-z0-9._-]/.test(ch)))];
  if (bad.length > 0) reasons.push(loginHasBadCharacters(field, login, bad));
  if (/^[._-]/.test(login)) reasons.push(loginBadStart(field, login));
  return reasons;
}
