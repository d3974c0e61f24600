/**
 * What the admin page needs from the rest of the program, wired by `serve` (app/main.ts).
 * The page never talks to pascom, LDAP or SQLite on its own: it calls these services.
 */
import type { Router } from 'express';
import type { ConfigError } from '../config/issues.js';
import type { Clock, Logger } from '../core/ports.js';
import type { App } from '../main.js';

export type ReloadResult = { readonly ok: true } | { readonly ok: false; readonly errors: readonly ConfigError[] };

export interface WebDeps {
  /** The running app: config, rules, store, directory, pascom client, full sync, runner. Replaced on reload. */
  current(): App;
  /** The config file the page edits (atomic writes, mode 0600: app/config/write.ts). */
  readonly configPath: string;
  /** Re-reads the config file and rebuilds the app (listener and schedule included). */
  reload(): Promise<ReloadResult>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Routes served under basePath before the sign-in check (healthz, metrics); they see the session. */
  readonly publicRoutes?: Router | undefined;
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
