/**
 * A bare HTTP helper for talking to the simulator without the client under test: one fresh
 * connection per request, so faults on one request never leak into the next.
 */
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Identity, PascomSimulator } from '../../fixtures/pascom-simulator/index.js';

export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly json: unknown;
}

export interface RawOptions {
  /** A JSON value (serialised) or a string sent as is. */
  readonly body?: unknown;
  /** `valid` (default), `none`, or explicit `user:password`. */
  readonly auth?: 'valid' | 'none' | string;
}

function authorization(sim: PascomSimulator, auth: RawOptions['auth']): Record<string, string> {
  if (auth === 'none') return {};
  const credentials = auth === undefined || auth === 'valid' ? `${sim.user}:${sim.password}` : auth;
  return { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `path` below the services base (`/identity/jdoe`), or absolute when it starts with `//`. */
export function apiPath(sim: PascomSimulator, path: string): string {
  return path.startsWith('//') ? path.slice(1) : `/${sim.instance}/services${path}`;
}

export function rawRequest(
  sim: PascomSimulator,
  method: string,
  path: string,
  options: RawOptions = {},
): Promise<RawAnswer> {
  const url = new URL(apiPath(sim, path), sim.url);
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const headers = { ...authorization(sim, options.auth), 'content-type': 'application/json', ...length };
    const req = request(url, { method, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: tryJson(text) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A valid identity body, with overrides (which may make it invalid on purpose). */
export function identity(login: string, extra: Record<string, unknown> = {}): Identity & Record<string, unknown> {
  return { '003use_name': login, '003use_bez': `User ${login}`, ...extra };
}
