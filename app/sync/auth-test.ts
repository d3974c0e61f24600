/**
 * The authentication test (pascom's "Test Authentication"): the steps pascom takes when it
 * authenticates a user against UCS, each with its outcome, time and, on failure, a specific
 * reason. The password is passed through to the bind only: never logged, stored or returned.
 */
import { isDisabled, isLocked } from '../core/disabled.js';
import type { Clock, PascomPort } from '../core/ports.js';
import type { DirectoryUser } from '../core/types.js';

export interface AuthDirectory {
  findByLogin(login: string): Promise<DirectoryUser[]>;
  matchesUserFilter(uuid: string): Promise<boolean>;
  verifyPassword(dn: string, password: string): Promise<void>;
}

export type AuthStepName = 'find-user' | 'enabled-for-pascom' | 'account-active' | 'password' | 'pascom-identity';

export interface AuthStep {
  readonly name: AuthStepName;
  readonly ok: boolean;
  readonly ms: number;
  /** What was found, or why the step failed and what to do. */
  readonly detail: string;
}

export interface AuthTestResult {
  readonly passed: boolean;
  readonly login: string;
  readonly steps: readonly AuthStep[];
}

export interface AuthTestDeps {
  readonly directory: AuthDirectory;
  readonly pascom: Pick<PascomPort, 'getIdentity'>;
  readonly clock: Clock;
  /** Monotonic milliseconds for step timings. */
  readonly elapsed: () => number;
}

type StepOutcome = { ok: boolean; detail: string; user?: DirectoryUser };

const DAY_MS = 86_400_000;

export async function runAuthTest(deps: AuthTestDeps, login: string, password: string): Promise<AuthTestResult> {
  const steps: AuthStep[] = [];
  const step = async (name: AuthStepName, fn: () => Promise<StepOutcome>): Promise<StepOutcome> => {
    const started = deps.elapsed();
    let outcome: StepOutcome;
    try {
      outcome = await fn();
    } catch (error) {
      outcome = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    steps.push({ name, ok: outcome.ok, ms: Math.round((deps.elapsed() - started) * 10) / 10, detail: outcome.detail });
    return outcome;
  };
  const finish = (): AuthTestResult => ({ passed: steps.every((s) => s.ok), login, steps });

  const found = await step('find-user', async () => {
    const users = await deps.directory.findByLogin(login);
    if (users.length === 0) return { ok: false, detail: `no UCS user with the user name "${login}"` };
    if (users.length > 1)
      return {
        ok: false,
        detail: `${users.length} UCS users have the user name "${login}": ${users.map((u) => u.dn).join('; ')}`,
      };
    const user = users[0];
    return user === undefined ? { ok: false, detail: 'not found' } : { ok: true, detail: user.dn, user };
  });
  const user = found.user;
  if (user === undefined) return finish();

  await step('enabled-for-pascom', async () =>
    (await deps.directory.matchesUserFilter(user.uuid))
      ? { ok: true, detail: 'matches ucs.userFilter' }
      : { ok: false, detail: 'the user does not match ucs.userFilter: tick "enable for pascom" on the user in UCS' },
  );
  await step('account-active', async () => {
    const today = Math.floor(deps.clock.now().getTime() / DAY_MS);
    if (isDisabled(user, today))
      return { ok: false, detail: 'the account is deactivated in UCS (or its account expiry date has passed)' };
    if (isLocked(user))
      return { ok: false, detail: 'the account is locked in UCS after failed logins; unlock it under Users > Account' };
    return { ok: true, detail: 'active' };
  });
  await step('password', async () => {
    try {
      await deps.directory.verifyPassword(user.dn, password);
    } catch (error) {
      if ((error as { code?: unknown }).code === 49) {
        return { ok: false, detail: 'UCS refused the password (invalid credentials)' };
      }
      throw error;
    }
    return { ok: true, detail: 'UCS accepted the password' };
  });
  const pascomLogin = login.toLowerCase();
  await step('pascom-identity', async () =>
    (await deps.pascom.getIdentity(pascomLogin)) !== undefined
      ? { ok: true, detail: `pascom has the identity "${pascomLogin}"` }
      : {
          ok: false,
          detail: `pascom has no identity "${pascomLogin}" yet: the user must be synced before logging in (run an import)`,
        },
  );
  return finish();
}
