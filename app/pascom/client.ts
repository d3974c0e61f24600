/**
 * The pascom REST client: PascomPort over node:http(s) with a keep-alive
 * agent. Every failure is a typed PascomError (errors.ts); "not found" on get/delete is a
 * normal return. The password lives only in the prepared Authorization header.
 */
import type { PascomIdentity, PascomPort } from '../core/ports.js';
import type { PascomRecord } from '../core/types.js';
import { fillPath, fillProfile, resolveApiTable } from './api-table.js';
import type { PascomApiOverrides, PascomApiTable } from './api-table.js';
import { ApplyBatch } from './apply-batch.js';
import { classifyPascomResponse } from './classify.js';
import type { RequestContext } from './classify.js';
import { CSV_CONTENT_TYPE } from './csv.js';
import { PascomListCappedError, PascomProtocolError } from './errors.js';
import { describeInstance, probeConnection } from './test-connection.js';
import type { ConnectionReport, InstanceFacts } from './test-connection.js';
import { Transport } from './transport.js';
import type { RawResponse } from './transport.js';
import { JsonArrayError, JsonArrayReader } from './json-array.js';
import { fromWire, isJsonObject, toWire } from './wire.js';

export interface PascomClientOptions {
  /** `https://pbx.example.com` (a path prefix is kept; credentials in the URL are refused). */
  url: string;
  instance: string;
  user: string;
  password: string;
  api?: PascomApiOverrides | undefined;
  /** Whole request, from the first byte sent to the last byte received. Default 10,000. */
  timeoutMs?: number | undefined;
  /** TCP connect. Default 5,000. */
  connectTimeoutMs?: number | undefined;
  /** Requests in flight at most (also the agent's socket limit). Default 8. */
  concurrency?: number | undefined;
  /** PEM CA certificate(s) to trust for https, e.g. the content of `pascom.caFile`. */
  ca?: string | undefined;
  /** Verify pascom's certificate. Default true; only a test setup should turn it off. */
  rejectUnauthorized?: boolean | undefined;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`pascom client: ${name} must be a positive number, got ${value}`);
  return value;
}

function servicesBase(url: string, instance: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`pascom.url must be http:// or https://, got ${parsed.protocol}`);
  if (parsed.username !== '' || parsed.password !== '')
    throw new Error('pascom.url must not contain credentials; use pascom.user and pascom.password');
  if (instance.trim() === '') throw new Error('pascom.instance must not be empty');
  const prefix = parsed.pathname.replace(/\/+$/, '');
  return new URL(`${prefix}/${encodeURIComponent(instance)}/services`, parsed.origin);
}

function basicAuthorization(user: string, password: string): string {
  if (user.includes(':')) throw new Error('pascom.user must not contain ":"');
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** Pages read at most: a server that ignores the paging parameters must not keep us reading. */
const MAX_PAGES = 10_000;

/** An answer without content: 204, or 2xx with an empty body (some pascom reads answer so). */
function isEmpty(response: RawResponse): boolean {
  return response.status === 204 || response.bodyText.trim() === '';
}

/** The login a refused push names (`{"error", "field", "login"}`), so one bad record fails alone. */
function recordLoginOf(bodyText: string): string | undefined {
  try {
    const json: unknown = JSON.parse(bodyText);
    return isJsonObject(json) && typeof json['login'] === 'string' ? json['login'] : undefined;
  } catch {
    return undefined;
  }
}

export class PascomClient implements PascomPort {
  readonly table: PascomApiTable;
  private readonly transport: Transport;
  private readonly applyBatch: ApplyBatch | undefined;
  private readonly connectTimeoutMs: number;
  private readonly tls: { ca: string | undefined; rejectUnauthorized: boolean };

  constructor(options: PascomClientOptions) {
    this.table = resolveApiTable(options.api);
    this.connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs ?? 5000);
    this.tls = { ca: options.ca, rejectUnauthorized: options.rejectUnauthorized ?? true };
    this.transport = new Transport({
      base: servicesBase(options.url, options.instance),
      authorization: basicAuthorization(options.user, options.password),
      timeoutMs: positive('timeoutMs', options.timeoutMs ?? 10_000),
      connectTimeoutMs: this.connectTimeoutMs,
      concurrency: positive('concurrency', options.concurrency ?? 8),
      ...this.tls,
    });
    const apply = this.table.paths.apply;
    this.applyBatch =
      apply === undefined
        ? undefined
        : new ApplyBatch(async () => {
            await this.call('POST', apply, undefined);
          });
  }

  /**
   * Every identity. Read page by page when `pascom.api.paging` is set; otherwise a list exactly
   * as long as the cap is refused (PascomListCappedError), because it may be cut off.
   */
  async listIdentities(): Promise<PascomIdentity[]> {
    const all: PascomIdentity[] = [];
    await this.forEachIdentity((identity) => all.push(identity));
    return all;
  }

  /**
   * The identities one at a time as they are parsed, so a caller that keeps a few fields never
   * holds the whole list. On a throw the caller must discard what it was handed: the list was
   * not read in full.
   */
  async forEachIdentity(visit: (identity: PascomIdentity) => void): Promise<void> {
    const paging = this.table.list.paging;
    if (paging === undefined) {
      const count = await this.listPage(fillPath(this.table.paths.list), visit);
      const cap = this.table.list.cap;
      if (cap > 0 && count === cap) throw new PascomListCappedError(cap);
      return;
    }
    let previousFirst: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({
        [paging.limitParam]: String(paging.pageSize),
        [paging.offsetParam]: String(page * paging.pageSize),
      });
      const identities: PascomIdentity[] = [];
      await this.listPage(`${fillPath(this.table.paths.list)}?${query.toString()}`, (identity) =>
        identities.push(identity),
      );
      const first = identities[0]?.[this.table.fields.login];
      if (page > 0 && first !== undefined && first === previousFirst)
        throw new PascomProtocolError(
          `pascom answered the same page of identities for offset ${page * paging.pageSize}: it ignores ` +
            `${paging.limitParam}/${paging.offsetParam}; check pascom.api.paging against the instance's REST documentation`,
        );
      previousFirst = first;
      identities.forEach((identity) => visit(identity));
      if (identities.length < paging.pageSize) return;
    }
    throw new PascomProtocolError(`pascom's identity list did not end within ${MAX_PAGES} pages`);
  }

  /** One answer of the identity list, without the cap check (also for Test connection); returns its length. */
  private async listPage(path: string, visit: (identity: PascomIdentity) => void): Promise<number> {
    let count = 0;
    const reader = new JsonArrayReader((items) => {
      for (const item of items) {
        if (!isJsonObject(item)) throw this.listError("pascom's identity list holds a non-object entry");
        visit(fromWire(item, this.table));
        count++;
      }
    });
    // Parsed as it arrives (json-array.ts): a list of 90,000 identities is never held whole.
    const response = await this.call('GET', path, undefined, undefined, [], (chunk) =>
      this.readList(() => reader.push(chunk)),
    );
    // An empty 2xx answer (204, or only whitespace) is an empty list.
    if (response.status === 204 || !reader.started) return 0;
    this.readList(() => reader.end());
    return count;
  }

  /** A step of the list reader; its refusal becomes a PascomProtocolError that names the list. */
  private readList(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (!(error instanceof JsonArrayError)) throw error;
      throw this.listError(
        error.notAnArray
          ? "pascom's identity list is not a JSON array"
          : `pascom's identity list is not JSON: ${error.message}`,
      );
    }
  }

  private listError(message: string): PascomProtocolError {
    return new PascomProtocolError(`GET ${this.table.paths.list}: ${message}`);
  }

  private async collectPage(path: string): Promise<PascomIdentity[]> {
    const identities: PascomIdentity[] = [];
    await this.listPage(path, (identity) => identities.push(identity));
    return identities;
  }

  async getIdentity(login: string): Promise<PascomIdentity | undefined> {
    const response = await this.call('GET', fillPath(this.table.paths.get, login), undefined, login, [404]);
    if (response.status === 404 || isEmpty(response)) return undefined;
    return this.identity(response, undefined, { method: 'GET', path: this.table.paths.get, login });
  }

  async createIdentity(record: PascomRecord): Promise<PascomIdentity> {
    const login = record[this.table.fields.login];
    return this.written(async () => {
      const response = await this.call('POST', fillPath(this.table.paths.create), record, login);
      return this.identity(response, record, { method: 'POST', path: this.table.paths.create, login });
    });
  }

  async updateIdentity(login: string, record: PascomRecord): Promise<PascomIdentity> {
    return this.written(async () => {
      const response = await this.call('PUT', fillPath(this.table.paths.update, login), record, login);
      return this.identity(response, record, { method: 'PUT', path: this.table.paths.update, login });
    });
  }

  async deleteIdentity(login: string): Promise<boolean> {
    return this.written(async () => {
      const response = await this.call('DELETE', fillPath(this.table.paths.delete, login), undefined, login, [404]);
      return response.status !== 404;
    });
  }

  /** Connector mode: the whole managed set as CSV to a connector profile. */
  async pushCsv(profile: string, csv: string): Promise<void> {
    const path = fillProfile(this.table.paths.push, profile);
    const context: RequestContext = { method: 'POST', path, origin: this.transport.origin };
    const response = await this.transport.send('POST', path, csv, context, { contentType: CSV_CONTENT_TYPE });
    const login = recordLoginOf(response.bodyText);
    const error = classifyPascomResponse(response.status, response.headers, response.bodyText, { ...context, login });
    if (error !== undefined) throw error;
  }

  /** TCP, TLS and credentials, step by step, then what the instance answers, for the admin page and `auth-test`. */
  async testConnection(): Promise<ConnectionReport> {
    let facts: InstanceFacts | undefined;
    const report = await probeConnection(
      { origin: this.transport.origin, connectTimeoutMs: this.connectTimeoutMs, ...this.tls },
      async () => {
        const list = `${fillPath(this.table.paths.list)}?limit=1`;
        const response = await this.call('GET', list, undefined);
        return `HTTP ${response.status}`;
      },
      async () => {
        facts = await describeInstance({
          table: this.table,
          list: () =>
            this.table.list.paging === undefined
              ? this.collectPage(fillPath(this.table.paths.list))
              : this.listIdentities(),
          probe: async (path) => (await this.transport.send('GET', path, undefined, { method: 'GET', path })).status,
        });
        return facts.summary;
      },
    );
    return facts === undefined ? report : { ...report, instance: facts };
  }

  /** A write, followed by the apply step when the instance needs one. */
  private written<T>(send: () => Promise<T>): Promise<T> {
    return this.applyBatch === undefined ? send() : this.applyBatch.write(send);
  }

  /** Requests waiting for a free connection fail as not sent (see `Transport.abandonQueued`); returns how many. */
  abandonQueued(): number {
    return this.transport.abandonQueued();
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.transport.close();
  }

  /** Sends a request; any status other than 2xx and `accepted` becomes a thrown PascomError. */
  private async call(
    method: string,
    path: string,
    record: PascomRecord | undefined,
    login?: string,
    accepted: readonly number[] = [],
    onBody?: (chunk: Buffer) => void,
  ): Promise<RawResponse> {
    const context: RequestContext = { method, path, login, origin: this.transport.origin };
    const body = record === undefined ? undefined : JSON.stringify(toWire(record, this.table));
    const response = await this.transport.send(method, path, body, context, { onBody });
    if (accepted.includes(response.status)) return response;
    const error = classifyPascomResponse(response.status, response.headers, response.bodyText, context);
    if (error !== undefined) throw error;
    return response;
  }

  private parse(response: RawResponse, context: RequestContext): unknown {
    try {
      return JSON.parse(response.bodyText);
    } catch {
      throw new PascomProtocolError(`${context.method} ${context.path}: pascom's answer is not JSON`, {
        status: response.status,
        login: context.login,
      });
    }
  }

  /** The identity in the answer; an empty 2xx body means pascom took the record as sent. */
  private identity(response: RawResponse, sent: PascomRecord | undefined, context: RequestContext): PascomIdentity {
    if (response.bodyText.trim() === '' && sent !== undefined) return { ...sent };
    const json = this.parse(response, context);
    if (!isJsonObject(json))
      throw new PascomProtocolError(`${context.method} ${context.path}: pascom's answer is not an identity object`, {
        status: response.status,
        login: context.login,
      });
    return fromWire(json, this.table);
  }
}
