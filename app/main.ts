/**
 * The composition root: the only place that knows every part. It turns a validated Config into
 * adapters (LDAP, pascom, SQLite, clock) and hands each service just the ports it needs: the
 * app (store, delivery, full sync) for every command, and for `serve` also the listener, the
 * schedule and the admin page's services. `ConnectorService` only starts, reloads and stops
 * what is built here.
 */
import { readFileSync } from 'node:fs';
import { MACHINE_SECRET_PATH, secretsToRedact } from './config/index.js';
import { attributesForRules } from './core/attributes.js';
import type { Clock, Logger } from './core/ports.js';
import type { SyncRules } from './core/rules.js';
import type { Config } from './config/schema.js';
import { toSyncRules } from './config/schema.js';
import { UcsDirectory } from './directory/index.js';
import { PascomClient, type PascomApiOverrides } from './pascom/index.js';
import { acquireDataDirLock, Store } from './store/index.js';
import { APPLY_KIND, applyPayloadSchema, createApplyHandler } from './sync/apply-op-handler.js';
import { runAuthTest, type AuthTestResult } from './sync/auth-test.js';
import { ConnectorDelivery, kvSnapshot } from './sync/connector-delivery.js';
import { createEventHandler } from './sync/event-handler.js';
import { ExtensionReservations, PascomExtensionCache } from './sync/identity-cache.js';
import { EVENT_KIND, eventPayloadSchema } from './sync/listener-events.js';
import { FullSync } from './sync/full-sync.js';
import { JobRegistry } from './sync/outbox/job-registry.js';
import { OutboxRunner } from './sync/outbox-runner.js';
import type { ConnectionReport } from './pascom/test-connection.js';
import { healthRoutes } from './serve/health-routes.js';
import { ListenerRuntime } from '../listener/index.js';
import type { ConnectorMetrics } from './serve/metrics.js';
import { FullSyncScheduler } from './serve/scheduler.js';
import type { ReloadResult, WebDeps } from './web/deps.js';

export const systemClock: Clock = { now: () => new Date() };

export interface AppOptions {
  /** Deliver queued changes from this process (needs the data-dir lock; `serve` and a standalone `import`). */
  readonly deliver: boolean;
}

export interface App {
  readonly config: Config;
  readonly rules: SyncRules;
  readonly logger: Logger;
  readonly store: Store;
  readonly directory: UcsDirectory;
  readonly pascom: PascomClient;
  readonly fullSync: FullSync;
  /** pascom's extension numbers as the listener's plans see them (read on first need). */
  readonly pascomExtensions: PascomExtensionCache;
  /** Present when this process delivers (holds the data-dir lock). */
  readonly runner: OutboxRunner | undefined;
  authTest(login: string, password: string): Promise<AuthTestResult>;
  close(): Promise<void>;
}

function readPem(path: string | undefined): string | undefined {
  return path === undefined ? undefined : readFileSync(path, 'utf8');
}

export function createDirectory(config: Config, rules: SyncRules): UcsDirectory {
  return new UcsDirectory({
    url: config.ucs.url,
    starttls: config.ucs.starttls,
    ca: readPem(config.ucs.caFile),
    tlsVerify: config.ucs.tlsVerify,
    timeoutMs: config.ucs.timeoutMs,
    baseDn: config.ucs.baseDn,
    bindDn: config.ucs.bindDn,
    password: config.ucs.password,
    userFilter: config.ucs.userFilter,
    attributes: attributesForRules(rules.mapping),
  });
}

/**
 * The config's `pascom.api` in the client's terms: paths are written relative to
 * `…/services/` in the config (`identity/{login}`, as pascom's REST documentation shows them),
 * the client's table wants them absolute under it; `phonebookPath` is the table's `phonebook`.
 */
export function pascomApiOverrides(
  api: Omit<Config['pascom']['api'], 'listCap'> & { readonly listCap?: number | undefined },
): PascomApiOverrides {
  const paths =
    api.paths === undefined
      ? undefined
      : Object.fromEntries(Object.entries(api.paths).map(([k, v]) => [k, v.startsWith('/') ? v : `/${v}`]));
  const { phonebookPath, ...fields } = api.fields ?? {};
  return {
    ...(api.paging === undefined ? {} : { paging: api.paging }),
    ...(api.listCap === undefined ? {} : { listCap: api.listCap }),
    ...(paths === undefined ? {} : { paths }),
    ...(api.fields === undefined
      ? {}
      : { fields: { ...fields, ...(phonebookPath === undefined ? {} : { phonebook: phonebookPath }) } }),
  };
}

export function createPascomClient(config: Config): PascomClient {
  return new PascomClient({
    url: config.pascom.url,
    instance: config.pascom.instance,
    user: config.pascom.user,
    password: config.pascom.password,
    api: pascomApiOverrides(config.pascom.api),
    timeoutMs: config.pascom.timeoutMs,
    concurrency: config.pascom.concurrency,
    ca: readPem(config.pascom.caFile),
    rejectUnauthorized: config.pascom.tlsVerify,
  });
}

/** Outbox rows handled at once in connector mode: one push carries them all. */
const CONNECTOR_ROWS_AT_ONCE = 1000;
/**
 * Identity mode: outbox rows handled at once per pascom request slot. The rows beyond
 * pascom.concurrency are planned and wait for a slot in the client's queue, so while its
 * requests run, the settlements of many rows share one group commit (fewer SQLite write
 * transactions per change in a burst). pascom still sees at most pascom.concurrency requests.
 * A stop releases the waiting rows unsent, so it waits for one round of requests, not four.
 */
const ROWS_PER_REQUEST_SLOT = 4;

/** Connector mode's writer (undefined in identity mode, which also forgets an old connector set). */
function createConnectorDelivery(
  config: Config,
  rules: SyncRules,
  store: Store,
  pascom: PascomClient,
  logger: Logger,
): ConnectorDelivery | undefined {
  const snapshot = kvSnapshot(store.kv);
  const profile = config.pascom.connectorProfile;
  if (config.pascom.delivery !== 'connector' || profile === undefined) {
    snapshot.clear();
    return undefined;
  }
  const delivery = new ConnectorDelivery({
    reader: pascom,
    push: (csv) => pascom.pushCsv(profile, csv),
    columns: () => [
      ...new Set([...rules.mapping.map((rule) => rule.field), ...(rules.authExtern ? [rules.roles.authMethod] : [])]),
    ],
    loginField: () => rules.roles.login,
    anchors: () => store.anchors.allAnchors(),
    snapshot,
    intervalMs: config.pascom.connectorPushIntervalMs,
    nowMs: () => Date.now(),
    logger,
  });
  delivery.start();
  return delivery;
}

export function createApp(config: Config, logger: Logger, options: AppOptions): App {
  const rules = toSyncRules(config);
  const store = Store.open(config.dataDir);
  const release = options.deliver ? acquireDataDirLock(config.dataDir) : undefined;
  const directory = createDirectory(config, rules);
  const pascom = createPascomClient(config);
  const clock = systemClock;
  // Only a delivering process writes to pascom (and owns the stored connector set).
  const connector = release === undefined ? undefined : createConnectorDelivery(config, rules, store, pascom, logger);
  // The writes go where pascom.delivery says; reads of pascom's own view always use the REST API.
  const writer = connector ?? pascom;
  const reservations = new ExtensionReservations();
  const pascomExtensions = new PascomExtensionCache(pascom, () => rules.roles);
  const runner =
    release === undefined
      ? undefined
      : new OutboxRunner(
          {
            store,
            clock,
            logger,
            // A stop need not wait for the rows queued behind pascom.concurrency: none was sent yet.
            abandonQueued: () => pascom.abandonQueued(),
            random: Math.random,
            jobs: new JobRegistry()
              .register({
                kind: APPLY_KIND,
                payload: applyPayloadSchema,
                handle: createApplyHandler({
                  pascom: writer,
                  anchors: store.anchors,
                  loginHolders: store.loginHolders,
                  roles: rules.roles,
                }),
              })
              .register({
                kind: EVENT_KIND,
                payload: eventPayloadSchema,
                handle: createEventHandler({
                  pascom: writer,
                  pascomExtensions,
                  reservations,
                  directory,
                  anchors: store.anchors,
                  extensionHolders: store.extensionHolders,
                  loginHolders: store.loginHolders,
                  rules: () => rules,
                  nowMs: () => clock.now().getTime(),
                }),
              }),
          },
          // Connector mode: rows wait for a shared push, not for their own request, so many may wait at once.
          {
            concurrency:
              connector === undefined ? config.pascom.concurrency * ROWS_PER_REQUEST_SLOT : CONNECTOR_ROWS_AT_ONCE,
          },
        );
  if (release !== undefined) {
    const abandoned = store.runs.abandonRunning(clock.now().getTime());
    if (abandoned > 0) logger.warn('a full sync was interrupted by a stop; it is marked failed', { runs: abandoned });
  }
  // A settled row's extension is in the anchor table now (or was given up): drop its reservation.
  runner?.on('settled', ({ row, settlement }) => {
    reservations.release(row.uuid);
    // Full-sync and listener writes alike: pascom's number list follows what the connector did.
    if (settlement.outcome !== 'done' || settlement.anchor === undefined) return;
    if ('save' in settlement.anchor) pascomExtensions.noteSaved(settlement.anchor.save);
    else if (settlement.audit?.login !== undefined) pascomExtensions.noteDeleted(settlement.audit.login);
  });
  runner?.start();
  const fullSync = new FullSync({ directory, pascom, store, clock, logger, rules: () => rules });
  return {
    config,
    rules,
    logger,
    store,
    directory,
    pascom,
    fullSync,
    pascomExtensions,
    runner,
    async authTest(login, password) {
      const result = await runAuthTest({ directory, pascom, clock, elapsed: () => performance.now() }, login, password);
      const failed = result.steps.find((step) => !step.ok);
      // Who was tested and how it ended; never the password.
      logger.info('authentication test', {
        login,
        passed: result.passed,
        failedStep: failed?.name,
        reason: failed?.detail,
      });
      return result;
    },
    async close() {
      await runner?.stop();
      connector?.close();
      pascom.close();
      store.close();
      release?.();
    },
  };
}

/** Test connection from the page: a client for the form's settings, used once and closed. */
export async function testPascomConnection(config: Config): Promise<ConnectionReport> {
  const client = createPascomClient(config);
  try {
    return await client.testConnection();
  } finally {
    client.close();
  }
}

/** What the log scrubs: passwords and secret files of this config (on start and every reload). */
export function registerConfigSecrets(
  logger: { registerSecret?(value: string): void },
  config: Config,
  machineSecretPath = MACHINE_SECRET_PATH,
): void {
  if (logger.registerSecret === undefined) return;
  const read = (path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined; // not there (yet): nothing of it can reach the log
    }
  };
  for (const secret of secretsToRedact(config, machineSecretPath, read)) logger.registerSecret(secret);
}

/** What `serve` runs besides the app: the listener and the schedule, wired to the app's delivery. */
export interface ServeParts {
  readonly app: App;
  readonly listener: ListenerRuntime;
  readonly scheduler: FullSyncScheduler;
  /** Call once live sync runs: reads pascom's number list when the queue next runs dry. */
  readNumbersAhead(): void;
}

export function composeServe(config: Config, logger: Logger, metrics: ConnectorMetrics): ServeParts {
  const app = createApp(config, logger, { deliver: true });
  app.runner?.on('settled', (event) => metrics.settled(event, systemClock.now().getTime()));
  const listener = new ListenerRuntime({
    config,
    rules: app.rules,
    store: app.store,
    directory: app.directory,
    logger,
    clock: systemClock,
    delivered: (count, source) => {
      metrics.eventsStored(count, source);
      app.runner?.kick();
    },
  });
  const scheduler = new FullSyncScheduler({ fullSync: app.fullSync, runner: app.runner, logger }, config.schedule);
  // The listener reads pascom's number list only when a plan needs it, the first new user. With
  // 90,000 identities that read takes about 1.5 s, and every change behind it waits: read it
  // ahead instead, when the queue is dry, so a start's first changes do not pay for it. Parsed as
  // it arrives (app/pascom/json-array.ts), 90,000 identities left serve at 179–198 MB after its
  // refresh in the mixed-load benchmark (with the whole answer parsed at once: 253–281 MB).
  const readNumbersAhead = (): void => {
    app.runner?.once('idle', () => {
      app.pascomExtensions.extensions().then(
        (numbers) => logger.debug("pascom's number list read ahead", { extensions: numbers.size }),
        (error: unknown) =>
          logger.info("pascom's number list could not be read ahead; it is read when a new user needs it", {
            error: error instanceof Error ? error.message : String(error),
          }),
      );
    });
  };
  return { app, listener, scheduler, readNumbersAhead };
}

/** The running connector as `serve` holds it (ConnectorService): replaced parts on reload. */
export interface RunningConnector {
  readonly metrics: ConnectorMetrics;
  current(): App;
  reload(): Promise<ReloadResult>;
  nextScheduledRun(): Date | undefined;
}

/** The admin page's services in `serve`: every reload, from the page or SIGHUP, goes through `connector`. */
export function serveWebDeps(
  connector: RunningConnector,
  options: {
    readonly configPath: string;
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly logger: Logger;
  },
): WebDeps {
  return {
    current: () => connector.current(),
    configPath: options.configPath,
    env: options.env,
    reload: () => connector.reload(),
    clock: systemClock,
    logger: options.logger,
    publicRoutes: healthRoutes(() => connector.current().store, connector.metrics, {
      metricsTokenFile: () => connector.current().config.http.metricsTokenFile,
    }),
    nextScheduledRun: () => connector.nextScheduledRun(),
    testPascomConnection,
  };
}
