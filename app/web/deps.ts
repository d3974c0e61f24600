/**
 * What the admin page needs from the rest of the program, wired by `serve` (app/main.ts).
 * The page never talks to pascom, LDAP or SQLite on its own: it calls these services.
 */
import type { Router } from 'express';
import type { ConfigError } from '../config/issues.js';
import type { Config } from '../config/schema.js';
import type { Clock, Logger } from '../core/ports.js';
import type { SyncRules } from '../core/rules.js';
import type { DirectoryUser, PascomRecord } from '../core/types.js';
import type { ConnectionReport } from '../pascom/test-connection.js';
import type { Store } from '../store/index.js';
import type { AuthTestResult } from '../sync/auth-test.js';
import type { FullSync } from '../sync/full-sync.js';
import type { OutboxRunner } from '../sync/outbox-runner.js';
import type { AdminDirectory } from './auth/admin-check.js';

/** The directory as the page uses it: sign-in and the mapping preview; never a raw LDAP client. */
export interface WebDirectory extends AdminDirectory {
  sampleEnabledUsers(attributes: readonly string[], login: string, limit: number): Promise<DirectoryUser[]>;
}

/**
 * The running connector as the page sees it. Replaced on reload, so routes ask `current()` per
 * request. Reads of state go through the store; writes to UCS or pascom only through the
 * full sync and the authentication test.
 */
export interface WebServices {
  readonly config: Config;
  readonly rules: SyncRules;
  readonly store: Store;
  readonly logger: Logger;
  readonly directory: WebDirectory;
  /** pascom's current identity, for the preview's "before" column. */
  readonly pascom: { getIdentity(login: string): Promise<PascomRecord | undefined> };
  readonly fullSync: Pick<FullSync, 'running' | 'simulate' | 'import'>;
  /** Present when this process delivers: a revived dead letter is picked up at once. */
  readonly runner: OutboxRunner | undefined;
  authTest(login: string, password: string): Promise<AuthTestResult>;
}

export type ReloadResult = { readonly ok: true } | { readonly ok: false; readonly errors: readonly ConfigError[] };

export interface WebDeps {
  /** The running connector's services for the page. Replaced on reload. */
  current(): WebServices;
  /** The config file the page edits (atomic writes, mode 0600: app/config/write.ts). */
  readonly configPath: string;
  /** Re-reads the config file and rebuilds the app (listener and schedule included). */
  reload(): Promise<ReloadResult>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Routes served under basePath before the sign-in check (healthz, metrics); they see the session. */
  readonly publicRoutes?: Router | undefined;
  /** Test connection: a pascom client for these settings, used once. */
  testPascomConnection(config: Config): Promise<ConnectionReport>;
  /** The next scheduled full sync, when a schedule is set (for the Automate section). */
  nextScheduledRun(): Date | undefined;
  /** Whether the current listener supports the RFC 4533 sync control (for Test connection), if known. */
  probeSync?(): Promise<{ available: boolean; reason?: string | undefined }>;
  /**
   * The process environment as read once at start (`process.env` in `serve`). The page uses
   * LDAP_HOSTDN ("use this app's machine account"), DOCKER_HOST_NAME and DOMAINNAME (the UCS
   * host allowed to frame the page) and passes it to `updateConfigFile` for container defaults.
   * Default: empty.
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The machine account's password file. Default `/etc/machine.secret` (tests point elsewhere). */
  readonly machineSecretPath?: string | undefined;
}
