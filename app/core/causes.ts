/**
 * Rejections and notices grouped by cause, so an admin reads "1,000 × extension already used"
 * with one hint and a few examples instead of 1,000 lines. The cause code is stable (the page
 * translates `hint.<cause>`); the English hint here serves the CLI and `--json`.
 */
import type { Cause, CauseExample, CauseLevel, Operation, Reason } from './types.js';

/** Examples kept per cause. */
export const CAUSE_EXAMPLES = 5;

/** `extension-invalid` + `{problem: 'leading-zero'}` → `extension-invalid.leading-zero`. */
export function causeOf(reason: Reason): string {
  const problem = reason.params?.['problem'];
  return problem === undefined || problem === '' ? reason.code : `${reason.code}.${problem}`;
}

type Params = Readonly<Record<string, string>>;

const HINTS: Readonly<Record<string, (params: Params) => string>> = {
  'extension-conflict': () =>
    "Two users' phone numbers give the same extension; the first by login keeps it. Give the others their own telephoneNumber in UCS.",
  'extension-taken-by-unmanaged': () =>
    'A pascom identity the connector does not manage holds the number: free it in pascom, or change the telephoneNumber in UCS.',
  'extension-pool-exhausted': (p) => `The pool ${p['pool'] ?? ''} is used up: widen extensions.pool.`,
  'extension-invalid.leading-zero': () =>
    'pascom refuses extensions starting with 0: correct the telephoneNumber in UCS, or set extensions.phonePrefix so the number after the base number is used.',
  'extension-invalid.single-digit': () =>
    'pascom refuses single-digit extensions: correct the telephoneNumber in UCS, or set extensions.phonePrefix.',
  'extension-invalid.emergency': () =>
    'pascom refuses 110 and 112 (emergency numbers) as extensions: give these users another telephoneNumber in UCS.',
  'extension-invalid.not-digits': () =>
    'pascom accepts extensions of digits only: check the extension field in the mapping and the values in UCS.',
  'extension-unrecognised.pool': (p) =>
    `These phone numbers have no recognisable extension, so the users get pool numbers: set extensions.phonePrefix to the company's base number${suggestion(p)} to use the direct-dial numbers.`,
  'extension-unrecognised.none': (p) =>
    `These phone numbers have no recognisable extension and no extensions.pool is set, so the users get none: set extensions.phonePrefix to the company's base number${suggestion(p)}, or set extensions.pool.`,
  'login-conflict': () =>
    'Two users map to the same login; the one pascom already knows keeps it. Change the uid of the others or the login mapping.',
  'login-taken-by-unmanaged': () =>
    'A pascom identity the connector does not manage already has this login: remove or rename it in pascom.',
  'invalid-login.capitals': () =>
    'pascom accepts lowercase logins only: add the lowercase transform to the login mapping.',
  'invalid-login.characters': () =>
    'The login has characters pascom does not accept: add the asciiLogin transform to the login mapping.',
  'invalid-login.start': () => 'Logins must start with a letter or a digit: change the uid in UCS.',
  'required-missing': (p) =>
    `These users have no value for ${p['field'] ?? 'a required field'}: fill it in UCS or change the mapping.`,
  'no-display-name': () => 'These users have no display name and no first or last name: fill one in UCS.',
  disabled: () => 'These users are deactivated in UCS.',
  'pascom-rejected': () => "pascom refused these records: see each user's message for pascom's reason.",
};

function suggestion(params: Params): string {
  const text = params['suggestion'];
  return text === undefined || text === '' ? '' : ` (e.g. "${text}")`;
}

/** The English hint of a cause; a cause without its own hint gets a generic one. */
export function causeHint(cause: string, params: Params): string {
  const hint = HINTS[cause];
  return hint === undefined ? 'See each example for the reason.' : hint(params);
}

/** The params a cause's hint uses: those its reasons share (the first example's, for `pool`, `field`, `suggestion`). */
const HINT_PARAMS: readonly string[] = ['pool', 'field', 'sources', 'suggestion'];

interface Group {
  readonly cause: string;
  readonly level: CauseLevel;
  readonly field: string | undefined;
  count: number;
  params: Record<string, string>;
  readonly examples: CauseExample[];
}

function hintParams(reason: Reason): Record<string, string> {
  const params: Record<string, string> = {};
  for (const name of HINT_PARAMS) {
    const value = name === 'field' ? (reason.params?.['field'] ?? reason.field) : reason.params?.[name];
    if (value !== undefined) params[name] = value;
  }
  return params;
}

function add(
  groups: Map<string, Group>,
  level: CauseLevel,
  reason: Reason,
  example: Omit<CauseExample, 'reason'>,
): void {
  const cause = causeOf(reason);
  const key = `${level}\u0000${cause}\u0000${reason.field ?? ''}`;
  let group = groups.get(key);
  if (group === undefined) {
    group = { cause, level, field: reason.field, count: 0, params: hintParams(reason), examples: [] };
    groups.set(key, group);
  }
  group.count++;
  // A suggestion any one user's reason has is better than none.
  if (group.params['suggestion'] === '' && reason.params?.['suggestion']) {
    group.params = { ...group.params, suggestion: reason.params['suggestion'] };
  }
  if (group.examples.length < CAUSE_EXAMPLES) group.examples.push({ ...example, reason });
}

/** Groups the plan's rejections and notices: rejections first, then by count (descending), then cause. */
export function groupCauses(operations: readonly Operation[]): Cause[] {
  const groups = new Map<string, Group>();
  for (const op of operations) {
    if (op.kind === 'rejected') {
      for (const reason of op.reasons) add(groups, 'rejected', reason, { uuid: op.uuid, dn: op.dn, login: op.login });
    } else if (op.kind !== 'delete' && op.notes !== undefined) {
      for (const reason of op.notes) add(groups, 'notice', reason, { uuid: op.uuid, dn: op.dn, login: op.login });
    }
  }
  return [...groups.values()]
    .sort(
      (a, b) =>
        levelRank(a.level) - levelRank(b.level) ||
        b.count - a.count ||
        (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : 0) ||
        ((a.field ?? '') < (b.field ?? '') ? -1 : 1),
    )
    .map((group) => ({
      cause: group.cause,
      level: group.level,
      ...(group.field === undefined ? {} : { field: group.field }),
      count: group.count,
      hint: causeHint(group.cause, group.params),
      params: group.params,
      examples: group.examples,
    }));
}

function levelRank(level: CauseLevel): number {
  return level === 'rejected' ? 0 : 1;
}
