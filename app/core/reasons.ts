/**
 * Every rejection reason the core produces, built in one place so the messages (CLI, logs) and
 * the params (the page's translations) stay consistent.
 */
import { EXTENSION_RULE_TEXT, type ExtensionProblem } from './extension-rules.js';
import type { Reason } from './types.js';

/** Someone who holds a login or an extension; `uuid` is undefined for identities the connector does not manage. */
export interface Holder {
  readonly uuid?: string | undefined;
  readonly login: string;
  readonly dn?: string | undefined;
}

/** `jdoe (uid=jdoe,cn=users,…)`, or just the login when the DN is unknown. */
export function describeHolder(holder: Holder): string {
  return holder.dn === undefined || holder.dn === '' ? holder.login : `${holder.login} (${holder.dn})`;
}

export function requiredMissing(field: string, sources: readonly string[]): Reason {
  const tried = sources.length === 0 ? 'no sources configured' : `tried ${sources.join(', ')}`;
  return {
    code: 'required-missing',
    field,
    message: `no value for required field ${field} (${tried})`,
    params: { field, sources: sources.join(', ') },
  };
}

export function noDisplayName(field: string): Reason {
  return { code: 'no-display-name', field, message: 'no display name and no first/last name' };
}

export function loginHasCapitals(field: string, login: string): Reason {
  return {
    code: 'invalid-login',
    field,
    message: `login "${login}" contains capitals; pascom accepts lowercase logins only (add the lowercase transform)`,
    params: { login, problem: 'capitals' },
  };
}

export function loginHasBadCharacters(field: string, login: string, characters: readonly string[]): Reason {
  const listed = characters.map((ch) => `"${ch}"`).join(', ');
  return {
    code: 'invalid-login',
    field,
    message: `login "${login}" contains characters pascom does not accept: ${listed} (add the asciiLogin transform to replace them)`,
    params: { login, problem: 'characters', characters: characters.join('') },
  };
}

export function loginBadStart(field: string, login: string): Reason {
  return {
    code: 'invalid-login',
    field,
    message: `login "${login}" must start with a letter or a digit`,
    params: { login, problem: 'start' },
  };
}

/** `claimantDn` is the rejected user's DN, so the message names both users. */
export function loginConflict(field: string, login: string, holder: Holder, claimantDn: string): Reason {
  return {
    code: 'login-conflict',
    field,
    message: `login "${login}" is already used by ${describeHolder(holder)}, so ${claimantDn} cannot have it`,
    params: { login, holder: describeHolder(holder), claimant: claimantDn },
  };
}

export function loginTakenByUnmanaged(field: string, login: string): Reason {
  return {
    code: 'login-taken-by-unmanaged',
    field,
    message: `login "${login}" belongs to a pascom identity the connector does not manage`,
    params: { login },
  };
}

export function extensionConflict(field: string, extension: string, holder: Holder, claimant: Holder): Reason {
  const by = describeHolder(holder);
  const wanted = describeHolder(claimant);
  return {
    code: 'extension-conflict',
    field,
    message: `extension ${extension} is already used by ${by}, so ${wanted} cannot have it`,
    params: { extension, holder: by, claimant: wanted },
  };
}

export function extensionTakenByUnmanaged(field: string, extension: string, holder: Holder): Reason {
  return {
    code: 'extension-taken-by-unmanaged',
    field,
    message: `extension ${extension} is held by the pascom identity ${holder.login}, which the connector does not manage`,
    params: { extension, holder: holder.login },
  };
}

export function extensionPoolExhausted(field: string, pool: { readonly from: number; readonly to: number }): Reason {
  const range = `${pool.from}-${pool.to}`;
  return {
    code: 'extension-pool-exhausted',
    field,
    message: `no free extension left in the pool ${range}`,
    params: { pool: range },
  };
}

/** A number taken from the user's phone number breaks one of pascom's extension rules (extension-rules.ts). */
export function extensionInvalid(field: string, extension: string, problem: ExtensionProblem, phone: string): Reason {
  return {
    code: 'extension-invalid',
    field,
    message: `extension ${extension} (from ${phone === '' ? 'the mapping' : `"${phone}"`}) is not allowed: ${EXTENSION_RULE_TEXT[problem]}`,
    params: { extension, problem, phone },
  };
}

/**
 * A notice, not a rejection: the user's phone number has no part that is recognisably its
 * extension, so it gets a pool number (`problem: pool`) or none (`problem: none`). `suggestion`
 * is a base number other users' numbers show (`+49 441 12345`), or `''`.
 */
export function extensionUnrecognised(
  field: string,
  phone: string,
  problem: 'pool' | 'none',
  suggestion: string,
): Reason {
  const outcome = problem === 'pool' ? 'gets a number from extensions.pool' : 'gets no extension (no extensions.pool)';
  const example = suggestion === '' ? '' : ` (e.g. "${suggestion}")`;
  return {
    code: 'extension-unrecognised',
    field,
    message: `phone number "${phone}" has no recognisable extension, so the user ${outcome}; set extensions.phonePrefix to the company's base number${example} to use the direct-dial number`,
    params: { phone, problem, suggestion },
  };
}
