/**
 * "Test connection" for the UCS side, step by step: TCP, TLS and certificate, bind, a user
 * readable with the filter, the live sync control. Each step is timed and, when it fails,
 * carries a stable hint code (the page translates it into what to do) plus the raw message of
 * the server or of Node, which cannot be translated. Stops at the first failing step.
 */
import { readFile } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { Client, ResultCodeError } from 'ldapts';
import { tlsOptionsFor } from '../ldap/ldap-connection.js';
import { UNTRUSTED_CERT_CODES as TLS_UNTRUSTED, errnoOf } from '../net/error-codes.js';

export type UcsStepName = 'tcp' | 'tls' | 'bind' | 'read-user' | 'sync-control';
export type StepStatus = 'ok' | 'failed' | 'skipped' | 'warning';

export type ConnectionHint =
  | 'tcp-refused'
  | 'tcp-dns'
  | 'tcp-timeout'
  | 'tcp-other'
  | 'tls-untrusted'
  | 'tls-hostname'
  | 'tls-protocol'
  | 'tls-expired'
  | 'tls-other'
  | 'tls-off'
  | 'tls-verified'
  | 'tls-not-verified'
  | 'ca-unreadable'
  | 'bind-invalid'
  | 'bind-tls-required'
  | 'bind-other'
  | 'no-users'
  | 'base-missing'
  | 'filter-invalid'
  | 'access-denied'
  | 'search-other'
  | 'sync-unavailable'
  | 'sync-unknown';

/** What a successful step found, as a message key of the page (`detail.<key>`) with parameters. */
export type DetailKey = 'reachable' | 'tls' | 'bound' | 'userFound' | 'syncAvailable';

export interface UcsStep {
  readonly name: UcsStepName;
  readonly status: StepStatus;
  readonly ms: number;
  readonly detail?: { readonly key: DetailKey; readonly params: Readonly<Record<string, string>> } | undefined;
  readonly hint?: ConnectionHint | undefined;
  /** The server's or Node's own words (English), shown as-is. Never contains a password. */
  readonly message?: string | undefined;
}

export interface UcsTestTarget {
  readonly url: string;
  readonly starttls: boolean;
  readonly caFile?: string | undefined;
  readonly tlsVerify: boolean;
  readonly timeoutMs: number;
  readonly baseDn: string;
  readonly bindDn: string;
  readonly password: string;
  readonly userFilter: string;
}

export interface UcsTestOptions {
  /** Whether the RFC 4533 sync control is available (from the listener), when known. */
  readonly probeSync?: (() => Promise<{ available: boolean; reason?: string | undefined }>) | undefined;
}

export interface UcsTestReport {
  readonly ok: boolean;
  readonly steps: readonly UcsStep[];
}

type Outcome = Omit<UcsStep, 'name' | 'ms'>;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function tcpHint(error: unknown): ConnectionHint {
  const code = errnoOf(error);
  if (code === 'ECONNREFUSED') return 'tcp-refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'tcp-dns';
  if (code === 'ETIMEDOUT') return 'tcp-timeout';
  return 'tcp-other';
}

export function tlsHint(error: unknown): ConnectionHint {
  const code = errnoOf(error) ?? '';
  if (TLS_UNTRUSTED.has(code)) return 'tls-untrusted';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'tls-hostname';
  if (code === 'CERT_HAS_EXPIRED') return 'tls-expired';
  if (
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    code === 'EPROTO' ||
    code === 'ECONNRESET' ||
    /wrong version|packet length/i.test(messageOf(error))
  )
    return 'tls-protocol';
  return 'tls-other';
}

function resultCode(error: unknown): number | undefined {
  return error instanceof ResultCodeError ? error.code : undefined;
}

function bindHint(error: unknown): ConnectionHint {
  const code = resultCode(error);
  if (code === 49) return 'bind-invalid';
  if (code === 13) return 'bind-tls-required';
  return 'bind-other';
}

function searchHint(error: unknown): ConnectionHint {
  const code = resultCode(error);
  if (code === 32) return 'base-missing';
  if (code === 50) return 'access-denied';
  if (code === 87 || /filter/i.test(messageOf(error))) return 'filter-invalid';
  return 'search-other';
}

function opened<T extends Socket>(socket: T, event: 'connect' | 'secureConnect', timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    socket.once(event, () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function endpoint(url: string): { host: string; port: number; secure: boolean } {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'ldaps:';
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port === '' ? (secure ? 636 : 389) : parsed.port),
    secure,
  };
}

function certificateDetail(socket: TLSSocket): Outcome {
  const cert = socket.getPeerCertificate();
  const subject = typeof cert.subject?.CN === 'string' ? cert.subject.CN : 'unknown';
  return {
    status: socket.authorized ? 'ok' : 'warning',
    detail: { key: 'tls', params: { protocol: socket.getProtocol() ?? 'TLS', subject, validTo: cert.valid_to ?? '' } },
    hint: socket.authorized ? 'tls-verified' : 'tls-not-verified',
  };
}

async function readCa(caFile: string | undefined): Promise<{ ca?: string; error?: string }> {
  if (caFile === undefined || caFile === '') return {};
  try {
    return { ca: await readFile(caFile, 'utf8') };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

/** Runs the steps in order; each later step needs the earlier ones. */
export async function testUcsConnection(target: UcsTestTarget, options: UcsTestOptions = {}): Promise<UcsTestReport> {
  const steps: UcsStep[] = [];
  const run = async (name: UcsStepName, action: () => Promise<Outcome>): Promise<boolean> => {
    const started = performance.now();
    const outcome = await action();
    steps.push({ name, ms: Math.round(performance.now() - started), ...outcome });
    return outcome.status !== 'failed';
  };
  const { host, port, secure } = endpoint(target.url);
  const caRead = await readCa(target.caFile);
  const tlsTarget = { ...target, ca: caRead.ca };
  // tlsOptions in the constructor means implicit TLS: only for ldaps://.
  const client = new Client({
    url: target.url,
    timeout: target.timeoutMs,
    connectTimeout: target.timeoutMs,
    ...(secure ? { tlsOptions: tlsOptionsFor(tlsTarget) } : {}),
  });
  try {
    const passed =
      (await run('tcp', () => tcpStep(host, port, target.timeoutMs))) &&
      (await run('tls', async () =>
        caRead.error === undefined
          ? tlsStep(tlsTarget, host, port, secure, client)
          : { status: 'failed', hint: 'ca-unreadable', message: caRead.error },
      )) &&
      (await run('bind', () => bindStep(target, client))) &&
      (await run('read-user', () => readUserStep(target, client))) &&
      (await run('sync-control', () => syncStep(options)));
    return { ok: passed, steps };
  } finally {
    await client.unbind().catch(() => undefined); // a test connection; nothing to keep
  }
}

async function tcpStep(host: string, port: number, timeoutMs: number): Promise<Outcome> {
  try {
    (await opened(netConnect({ host, port }), 'connect', timeoutMs)).destroy();
    return { status: 'ok', detail: { key: 'reachable', params: { host, port: String(port) } } };
  } catch (error) {
    return { status: 'failed', hint: tcpHint(error), message: messageOf(error) };
  }
}

type TlsTarget = UcsTestTarget & { readonly ca: string | undefined };

async function tlsStep(
  target: TlsTarget,
  host: string,
  port: number,
  secure: boolean,
  client: Client,
): Promise<Outcome> {
  const tlsOptions = tlsOptionsFor(target);
  if (secure) {
    try {
      const socket = await opened(tlsConnect({ host, port, ...tlsOptions }), 'secureConnect', target.timeoutMs);
      const outcome = certificateDetail(socket);
      socket.destroy();
      return outcome;
    } catch (error) {
      return { status: 'failed', hint: tlsHint(error), message: messageOf(error) };
    }
  }
  if (!target.starttls) return { status: 'warning', hint: 'tls-off' };
  try {
    await client.startTLS(tlsOptions);
    return {
      status: 'ok',
      hint: target.tlsVerify ? 'tls-verified' : 'tls-not-verified',
      detail: { key: 'tls', params: { protocol: 'StartTLS', subject: host, validTo: '' } },
    };
  } catch (error) {
    return { status: 'failed', hint: tlsHint(error), message: messageOf(error) };
  }
}

async function bindStep(target: UcsTestTarget, client: Client): Promise<Outcome> {
  try {
    await client.bind(target.bindDn, target.password);
    return { status: 'ok', detail: { key: 'bound', params: { dn: target.bindDn } } };
  } catch (error) {
    return { status: 'failed', hint: bindHint(error), message: messageOf(error) };
  }
}

async function readUserStep(target: UcsTestTarget, client: Client): Promise<Outcome> {
  try {
    const { searchEntries } = await client.search(target.baseDn, {
      scope: 'sub',
      filter: target.userFilter,
      sizeLimit: 1,
      attributes: ['uid'],
      timeLimit: 10,
    });
    const first = searchEntries[0];
    if (first === undefined) return { status: 'failed', hint: 'no-users' };
    return { status: 'ok', detail: { key: 'userFound', params: { dn: first.dn } } };
  } catch (error) {
    return { status: 'failed', hint: searchHint(error), message: messageOf(error) };
  }
}

async function syncStep(options: UcsTestOptions): Promise<Outcome> {
  if (options.probeSync === undefined) return { status: 'skipped', hint: 'sync-unknown' };
  try {
    const probe = await options.probeSync();
    if (probe.available) return { status: 'ok', detail: { key: 'syncAvailable', params: {} } };
    return { status: 'warning', hint: 'sync-unavailable', message: probe.reason };
  } catch (error) {
    return { status: 'warning', hint: 'sync-unavailable', message: messageOf(error) };
  }
}
