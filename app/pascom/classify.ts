/**
 * The one place that turns an HTTP answer or a socket error into a PascomError.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  PascomAuthError,
  PascomConflictError,
  PascomNotFoundError,
  PascomProtocolError,
  PascomRateLimitedError,
  PascomRejectedError,
  PascomTimeoutError,
  PascomUnavailableError,
} from './errors.js';
import type { PascomError } from './errors.js';

export interface RequestContext {
  readonly method: string;
  /** The path below the services base, e.g. `/identity/jdoe`. */
  readonly path: string;
  readonly login?: string | undefined;
  /** `https://host:port` of pascom, for messages (never with credentials). */
  readonly origin?: string | undefined;
  /** For Retry-After dates; defaults to the wall clock. */
  readonly nowMs?: number | undefined;
}

export const DEFAULT_RETRY_AFTER_MS = 1000;
const MAX_REASON_LENGTH = 200;

/** Retry-After is delay-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else → the default. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number {
  const text = value?.trim() ?? '';
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP-date always names a month; Date.parse alone would read "-5" as a year.
  const date = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return DEFAULT_RETRY_AFTER_MS;
  return Math.max(0, date - nowMs);
}

/** The contract's `{"error", "field"}`, or the body text itself (shortened). */
export function parseErrorBody(bodyText: string, status: number): { reason: string; field: string | undefined } {
  try {
    const json: unknown = JSON.parse(bodyText);
    if (typeof json === 'object' && json !== null && 'error' in json && typeof json.error === 'string') {
      const field = 'field' in json && typeof json.field === 'string' ? json.field : undefined;
      return { reason: json.error, field };
    }
  } catch {
    // Not JSON: fall through to the raw text, which is what an HTML error page or proxy sends.
  }
  const text = bodyText.trim().replace(/\s+/g, ' ');
  if (text === '') return { reason: `HTTP ${status}`, field: undefined };
  return { reason: text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text, field: undefined };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function where(context: RequestContext): string {
  return `${context.method} ${context.origin ?? ''}${context.path}`;
}

type Classifier = (
  status: number,
  headers: IncomingHttpHeaders,
  bodyText: string,
  context: RequestContext,
) => PascomError;

const rejected: Classifier = (status, _headers, bodyText, context) => {
  const { reason, field } = parseErrorBody(bodyText, status);
  return new PascomRejectedError(reason, field, { status, login: context.login });
};

const BY_STATUS: Readonly<Record<number, Classifier>> = {
  400: rejected,
  422: rejected,
  401: (status, _headers, _body, context) => new PascomAuthError({ status, login: context.login }),
  403: (status, _headers, _body, context) => new PascomAuthError({ status, login: context.login }),
  404: (status, _headers, _body, context) =>
    new PascomNotFoundError(
      context.login === undefined
        ? `${where(context)}: not found; check pascom.instance and the pascom.api paths`
        : `identity ${context.login} not found in pascom`,
      { status, login: context.login },
    ),
  405: (status, _headers, _body, context) =>
    new PascomProtocolError(`${where(context)}: method not allowed; check the pascom.api paths`, {
      status,
      login: context.login,
    }),
  408: (status, _headers, _body, context) =>
    new PascomTimeoutError(`${where(context)}: pascom timed out reading the request (HTTP 408)`, {
      status,
      login: context.login,
    }),
  409: (status, _headers, bodyText, context) => {
    const { reason, field } = parseErrorBody(bodyText, status);
    return new PascomConflictError(reason, field, { status, login: context.login });
  },
  429: (status, headers, _body, context) =>
    new PascomRateLimitedError(parseRetryAfterMs(header(headers, 'retry-after'), context.nowMs ?? Date.now()), {
      status,
      login: context.login,
    }),
};

function serverError(
  status: number,
  headers: IncomingHttpHeaders,
  bodyText: string,
  context: RequestContext,
): PascomError {
  const { reason } = parseErrorBody(bodyText, status);
  const retryAfter = header(headers, 'retry-after');
  return new PascomUnavailableError(`pascom is unavailable: HTTP ${status} for ${where(context)}: ${reason}`, {
    status,
    login: context.login,
    retryAfterMs: retryAfter === undefined ? undefined : parseRetryAfterMs(retryAfter, context.nowMs ?? Date.now()),
  });
}

/** Undefined for a 2xx answer, else the error that describes it. */
export function classifyPascomResponse(
  status: number,
  headers: IncomingHttpHeaders,
  bodyText: string,
  context: RequestContext,
): PascomError | undefined {
  if (status >= 200 && status < 300) return undefined;
  const classifier = BY_STATUS[status];
  if (classifier !== undefined) return classifier(status, headers, bodyText, context);
  if (status >= 500 && status < 600) return serverError(status, headers, bodyText, context);
  if (status >= 300 && status < 400) {
    const location = header(headers, 'location') ?? 'nowhere';
    return new PascomProtocolError(`${where(context)}: redirected (HTTP ${status}) to ${location}; check pascom.url`, {
      status,
      login: context.login,
    });
  }
  const { reason } = parseErrorBody(bodyText, status);
  return new PascomProtocolError(`${where(context)}: unexpected HTTP ${status}: ${reason}`, {
    status,
    login: context.login,
  });
}
export { classifyNetworkError } from './classify-network.js';
