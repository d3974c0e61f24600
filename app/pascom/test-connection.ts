/**
 * The connection check behind the admin page's "Test connection" button: TCP, then TLS
 * (https only), then the credentials, each step timed, then what the instance answers (the
 * login field its identities use, the list length, whether an apply endpoint exists). Stops at
 * the first failing step.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';
import type { PascomIdentity } from '../core/ports.js';
import type { PascomApiTable } from './api-table.js';
import { classifyNetworkError } from './classify-network.js';

export interface ConnectionStep {
  readonly name: 'tcp' | 'tls' | 'auth' | 'instance';
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
}

/**
 * What Test connection learned about the instance, as data (the page shows `summary`; a caller may
 * turn `suggestedApi` into `pascom.api` settings).
 */
export interface InstanceFacts {
  /** Identities in the list as the instance answers it (one page when paging is configured: all pages). */
  readonly listLength: number;
  /** The list is exactly as long as `pascom.api.listCap` and may be cut off. */
  readonly listCapped: boolean;
  /** The login key the identities carry (`003use_name`; older instances `014use_name`); undefined for an empty list. */
  readonly loginField: string | undefined;
  /** The configured login field is what the instance uses (undefined when the list is empty). */
  readonly loginFieldMatches: boolean | undefined;
  /**
   * `configured`: `pascom.api.paths.apply` is set; `found`: something answers at the apply path
   * (writes may need it); `none`: 404 there (writes take effect directly); `unknown`: no clear answer.
   */
  readonly applyStep: 'configured' | 'found' | 'none' | 'unknown';
  /** `pascom.api` settings that would follow what the instance answers (`fields.login: 014use_name`). */
  readonly suggestedApi: Readonly<Record<string, string>>;
  /** One line for the page. */
  readonly summary: string;
}

export interface ConnectionReport {
  readonly ok: boolean;
  readonly steps: ConnectionStep[];
  /** Present when the credentials were accepted and the instance answered. */
  readonly instance?: InstanceFacts | undefined;
}

/** The default place of an apply endpoint probed when none is configured (an assumption, see docs/pascom-api.md). */
export const PROBED_APPLY_PATH = '/apply';

const LOGIN_KEY = /^(\d{3})use_name$/;

export interface InstanceProbe {
  readonly table: PascomApiTable;
  /** The identity list as the instance answers it (no cap check). */
  readonly list: () => Promise<PascomIdentity[]>;
  /** The HTTP status of a GET of `path` (below the services base). */
  readonly probe: (path: string) => Promise<number>;
}

function loginFieldOf(identities: readonly PascomIdentity[]): string | undefined {
  for (const identity of identities.slice(0, 20)) {
    const key = Object.keys(identity).find((field) => LOGIN_KEY.test(field));
    if (key !== undefined) return key;
  }
  return undefined;
}

/** Renames the role fields to the table prefix the instance uses (`003use_bez` → `014use_bez`). */
function suggestions(table: PascomApiTable, loginField: string | undefined): Record<string, string> {
  if (loginField === undefined || loginField === table.fields.login) return {};
  const suggested: Record<string, string> = { 'fields.login': loginField };
  const prefix = LOGIN_KEY.exec(loginField)?.[1];
  const configuredPrefix = LOGIN_KEY.exec(table.fields.login)?.[1];
  if (prefix === undefined || configuredPrefix === undefined) return suggested;
  for (const role of ['displayName', 'authMethod'] as const) {
    const field = table.fields[role];
    if (field.startsWith(`${configuredPrefix}use_`)) suggested[`fields.${role}`] = `${prefix}${field.slice(3)}`;
  }
  return suggested;
}

async function applyStepOf(probe: InstanceProbe): Promise<InstanceFacts['applyStep']> {
  if (probe.table.paths.apply !== undefined) return 'configured';
  try {
    const status = await probe.probe(PROBED_APPLY_PATH);
    if (status === 404) return 'none';
    if (status === 401 || status === 403 || status >= 500) return 'unknown';
    return 'found';
  } catch {
    return 'unknown';
  }
}

/** Reads the list and probes the apply path; throws when the list cannot be read. */
export async function describeInstance(probe: InstanceProbe): Promise<InstanceFacts> {
  const identities = await probe.list();
  const cap = probe.table.list.cap;
  const listCapped = probe.table.list.paging === undefined && cap > 0 && identities.length === cap;
  const loginField = loginFieldOf(identities);
  const loginFieldMatches = loginField === undefined ? undefined : loginField === probe.table.fields.login;
  const applyStep = await applyStepOf(probe);
  const suggestedApi = suggestions(probe.table, loginField);
  const parts = [
    `${identities.length} identities listed${listCapped ? ` (exactly the cap of ${cap}: the list may be cut off; set pascom.api.paging)` : ''}`,
    loginField === undefined
      ? 'login field unknown (no identity yet)'
      : `login field ${loginField}${loginFieldMatches === true ? '' : ` (configured: ${probe.table.fields.login}; set pascom.api.fields.login: ${loginField})`}`,
    {
      configured: `apply step configured (POST ${probe.table.paths.apply ?? ''})`,
      found: `an endpoint answers at ${PROBED_APPLY_PATH}: if writes take effect only after it, set pascom.api.paths.apply`,
      none: 'no apply step (writes take effect directly)',
      unknown: 'apply step unknown',
    }[applyStep],
  ];
  return {
    listLength: identities.length,
    listCapped,
    loginField,
    loginFieldMatches,
    applyStep,
    suggestedApi,
    summary: parts.join('; '),
  };
}

export interface ProbeTarget {
  readonly origin: string;
  readonly connectTimeoutMs: number;
  readonly ca: string | undefined;
  readonly rejectUnauthorized: boolean;
}

function opened(socket: Socket, event: 'connect' | 'secureConnect', timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(Object.assign(new Error(`no connection within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    socket.once(event, () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function timed(
  name: ConnectionStep['name'],
  action: () => Promise<string>,
  origin: string,
): Promise<ConnectionStep> {
  const started = performance.now();
  try {
    const detail = await action();
    return { name, ok: true, ms: Math.round(performance.now() - started), detail };
  } catch (error) {
    const detail = classifyNetworkError(error, { method: 'CONNECT', path: '', origin }).message;
    return { name, ok: false, ms: Math.round(performance.now() - started), detail };
  }
}

export async function probeConnection(
  target: ProbeTarget,
  auth: () => Promise<string>,
  instance?: () => Promise<string>,
): Promise<ConnectionReport> {
  const url = new URL(target.origin);
  const secure = url.protocol === 'https:';
  const port = Number(url.port === '' ? (secure ? 443 : 80) : url.port);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const steps: ConnectionStep[] = [];
  const run = async (name: ConnectionStep['name'], action: () => Promise<string>): Promise<boolean> => {
    const step = await timed(name, action, target.origin);
    steps.push(step);
    return step.ok;
  };
  const ok =
    (await run('tcp', async () => {
      (await opened(netConnect({ host, port }), 'connect', target.connectTimeoutMs)).destroy();
      return `${host}:${port} reachable`;
    })) &&
    (!secure ||
      (await run('tls', async () => {
        const socket = tlsConnect({
          host,
          port,
          servername: host,
          ca: target.ca,
          rejectUnauthorized: target.rejectUnauthorized,
        });
        const tls = await opened(socket, 'secureConnect', target.connectTimeoutMs);
        const protocol = socket.getProtocol() ?? 'TLS';
        tls.destroy();
        return `${protocol}, certificate ${socket.authorized ? 'verified' : 'NOT verified'}`;
      }))) &&
    (await run('auth', auth)) &&
    (instance === undefined || (await run('instance', instance)));
  return { ok, steps };
}
