import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_AFTER_MS,
  classifyNetworkError,
  classifyPascomResponse,
  parseErrorBody,
  parseRetryAfterMs,
} from '../../../app/pascom/classify.js';
import {
  PascomAuthError,
  PascomConflictError,
  PascomNotFoundError,
  PascomProtocolError,
  PascomRateLimitedError,
  PascomRejectedError,
  PascomTimeoutError,
  PascomTlsError,
  PascomUnavailableError,
} from '../../../app/pascom/errors.js';
import type { PascomError } from '../../../app/pascom/errors.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const context = { method: 'PUT', path: '/identity/jdoe', login: 'jdoe', origin: 'https://pbx.example.com', nowMs: NOW };
const fieldError = JSON.stringify({ error: 'must be lowercase', field: '003use_name' });

describe('classifyPascomResponse()', () => {
  it.each([200, 201, 204, 299])('returns undefined for HTTP %i', (status) => {
    expect(classifyPascomResponse(status, {}, '', context)).toBeUndefined();
  });

  it.each<[number, string, new (...args: never[]) => PascomError, boolean]>([
    [400, fieldError, PascomRejectedError, false],
    [422, fieldError, PascomRejectedError, false],
    [401, '', PascomAuthError, false],
    [403, '', PascomAuthError, false],
    [404, '', PascomNotFoundError, false],
    [405, '', PascomProtocolError, false],
    [408, '', PascomTimeoutError, true],
    [409, fieldError, PascomConflictError, false],
    [410, '', PascomProtocolError, false],
    [429, '', PascomRateLimitedError, true],
    [500, '', PascomUnavailableError, true],
    [502, '<html>Bad Gateway</html>', PascomUnavailableError, true],
    [503, '', PascomUnavailableError, true],
    [301, '', PascomProtocolError, false],
    [302, '', PascomProtocolError, false],
    [100, '', PascomProtocolError, false],
  ])('classifies HTTP %i as %s with retryable %s', (status, body, type, retryable) => {
    const error = classifyPascomResponse(status, {}, body, context);
    expect(error).toBeInstanceOf(type);
    expect(error?.retryable).toBe(retryable);
    expect(error?.status).toBe(status);
    expect(error?.login).toBe('jdoe');
  });

  it('carries the reason and field of a 400', () => {
    expect(classifyPascomResponse(400, {}, fieldError, context)).toMatchObject({
      reason: 'must be lowercase',
      field: '003use_name',
    });
  });

  it('carries the reason and field of a 409', () => {
    const body = JSON.stringify({ error: 'extension 100 is taken', field: '009ext_extension' });
    expect(classifyPascomResponse(409, {}, body, context)).toMatchObject({
      reason: 'extension 100 is taken',
      field: '009ext_extension',
    });
  });

  it('uses the body text as the reason when it is not the JSON error shape', () => {
    expect(classifyPascomResponse(400, {}, 'bad\n  request', context)).toMatchObject({
      reason: 'bad request',
      field: undefined,
    });
  });

  it('tells the admin where to check the credentials on 401', () => {
    expect(classifyPascomResponse(401, {}, '', context)?.message).toMatch(/Information → Developer → REST credentials/);
  });

  it('names the identity of an item 404', () => {
    expect(classifyPascomResponse(404, {}, '', context)?.message).toBe('identity jdoe not found in pascom');
  });

  it('points to the instance and paths for a 404 without a login', () => {
    const error = classifyPascomResponse(404, {}, '', { ...context, login: undefined, path: '/identity/' });
    expect(error?.message).toMatch(/check pascom.instance and the pascom.api paths/);
  });

  it('names the redirect target of a 3xx', () => {
    expect(classifyPascomResponse(301, { location: 'https://other/' }, '', context)?.message).toMatch(
      /to https:\/\/other\/; check pascom.url/,
    );
  });

  it('reads Retry-After seconds on 429', () => {
    expect(classifyPascomResponse(429, { 'retry-after': '7' }, '', context)).toMatchObject({ retryAfterMs: 7000 });
  });

  it('defaults a 429 without Retry-After to one second', () => {
    expect(classifyPascomResponse(429, {}, '', context)).toMatchObject({ retryAfterMs: DEFAULT_RETRY_AFTER_MS });
  });

  it('passes a 503 Retry-After on', () => {
    expect(classifyPascomResponse(503, { 'retry-after': '2' }, '', context)).toMatchObject({ retryAfterMs: 2000 });
  });

  it('leaves retryAfterMs undefined on a 500 without the header', () => {
    expect(classifyPascomResponse(500, {}, '', context)).toMatchObject({ retryAfterMs: undefined });
  });
});

describe('parseRetryAfterMs()', () => {
  it.each<[string | undefined, number]>([
    ['0', 0],
    ['3', 3000],
    ['1.5', 1500],
    [' 12 ', 12_000],
    ['Thu, 01 Jan 2026 12:00:30 GMT', 30_000],
    ['Thu, 01 Jan 2026 11:59:00 GMT', 0],
    ['soon', DEFAULT_RETRY_AFTER_MS],
    ['-5', DEFAULT_RETRY_AFTER_MS],
    ['', DEFAULT_RETRY_AFTER_MS],
    [undefined, DEFAULT_RETRY_AFTER_MS],
  ])('reads %j as %i ms', (value, expected) => {
    expect(parseRetryAfterMs(value, NOW)).toBe(expected);
  });
});

describe('parseErrorBody()', () => {
  it('shortens a long text body', () => {
    expect(parseErrorBody('x'.repeat(500), 502).reason).toHaveLength(201);
  });

  it('names the status for an empty body', () => {
    expect(parseErrorBody('', 502)).toEqual({ reason: 'HTTP 502', field: undefined });
  });

  it('ignores a field that is not a string', () => {
    expect(parseErrorBody(JSON.stringify({ error: 'x', field: 3 }), 400)).toEqual({ reason: 'x', field: undefined });
  });
});

const withCode = (code: string): Error => Object.assign(new Error(`boom ${code}`), { code });

describe('classifyNetworkError()', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ECONNABORTED',
    'ESOMETHINGNEW',
  ])('treats %s as a retryable PascomUnavailableError', (code) => {
    const error = classifyNetworkError(withCode(code), context);
    expect(error).toBeInstanceOf(PascomUnavailableError);
    expect(error).toMatchObject({ retryable: true, code, login: 'jdoe' });
    expect(error.message).toContain('https://pbx.example.com');
  });

  it.each([
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'EPROTO',
  ])('treats %s as a permanent PascomTlsError', (code) => {
    const error = classifyNetworkError(withCode(code), context);
    expect(error).toBeInstanceOf(PascomTlsError);
    expect(error).toMatchObject({ retryable: false, code });
  });

  it.each<[string, RegExp]>([
    ['SELF_SIGNED_CERT_IN_CHAIN', /set pascom.caFile/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /host name the certificate was issued for/],
    ['CERT_HAS_EXPIRED', /renew it/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', /https:\/\/ for a plain HTTP port/],
  ])('tells the admin what to do about %s', (code, advice) => {
    expect(classifyNetworkError(withCode(code), context).message).toMatch(advice);
  });

  it('passes a PascomError through unchanged', () => {
    const timeout = new PascomTimeoutError('late');
    expect(classifyNetworkError(timeout, context)).toBe(timeout);
  });

  it('keeps the original error as the cause', () => {
    const original = withCode('ECONNRESET');
    expect(classifyNetworkError(original, context).cause).toBe(original);
  });

  it('handles a thrown value that is not an Error', () => {
    expect(classifyNetworkError('weird', context)).toBeInstanceOf(PascomUnavailableError);
  });
});
