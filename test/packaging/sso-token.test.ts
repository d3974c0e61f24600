/** The single sign-on token: verifySsoToken() alone, and against tokens minted by the real UMC module in Python. */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SsoVerifyOptions } from '../../app/web/auth/sso-token.js';
import { verifySsoToken } from '../../app/web/auth/sso-token.js';
import { UmcPython } from './helpers/umc-python.js';

const SECRET = 'a'.repeat(64);
const NOW = 1_750_000_000;

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
function sign(header: unknown, claims: unknown, secret = SECRET): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  sub: 'Administrator',
  aud: 'pascom-connector',
  iat: NOW,
  exp: NOW + 60,
  jti: 'jti-1',
  ...extra,
});
const HS256 = { alg: 'HS256', typ: 'JWT' };

function options(overrides: Partial<SsoVerifyOptions> = {}): SsoVerifyOptions {
  const seen = new Set<string>();
  return {
    secret: SECRET,
    audience: 'pascom-connector',
    nowSec: NOW + 1,
    maxLifetimeSec: 60,
    seenJti: (jti) => !seen.has(jti) && seen.add(jti) !== undefined,
    ...overrides,
  };
}

describe('verifySsoToken()', () => {
  it('accepts a fresh token and returns its user', () => {
    expect(verifySsoToken(sign(HS256, claims()), options())).toEqual({ ok: true, username: 'Administrator' });
  });

  it.each([
    ['malformed', 'not.a-token', options()],
    ['malformed', 'only-one-part', options()],
    ['malformed', `${b64('{')}.${b64(claims())}.sig`, options()],
    ['bad-signature', sign(HS256, claims(), 'b'.repeat(64)), options()],
    ['bad-signature', `${b64({ alg: 'none' })}.${b64(claims())}.`, options()],
    ['bad-signature', sign({ alg: 'HS512', typ: 'JWT' }, claims()), options()],
    ['wrong-audience', sign(HS256, claims({ aud: 'other-app' })), options()],
    ['expired', sign(HS256, claims()), options({ nowSec: NOW + 60 })],
    ['not-yet-valid', sign(HS256, claims({ iat: NOW + 30, exp: NOW + 90 })), options()],
    ['not-yet-valid', sign(HS256, claims({ nbf: NOW + 30 })), options()],
    ['lifetime-too-long', sign(HS256, claims({ exp: NOW + 3600 })), options()],
    ['missing-claim', sign(HS256, claims({ sub: undefined })), options()],
    ['missing-claim', sign(HS256, claims({ jti: '' })), options()],
    ['missing-claim', sign(HS256, claims({ exp: '1750000060' })), options()],
  ])('rejects as %s: %s', (reason, token, opts) => {
    expect(verifySsoToken(token, opts)).toEqual({ ok: false, reason });
  });

  it('accepts a token only once', () => {
    const opts = options();
    const token = sign(HS256, claims());
    verifySsoToken(token, opts);
    expect(verifySsoToken(token, opts)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('does not spend the one-time id of a token it rejects', () => {
    const opts = options();
    verifySsoToken(sign(HS256, claims({ aud: 'other-app' })), opts);
    expect(verifySsoToken(sign(HS256, claims()), opts).ok).toBe(true);
  });
});

describe('tokens minted by the UMC module (python3, real module, stubbed UCS imports)', () => {
  let python: UmcPython;
  let dir: string;
  let secretFile: string;

  beforeAll(() => {
    python = new UmcPython();
    dir = mkdtempSync(join(tmpdir(), 'sso-secret-'));
    secretFile = join(dir, 'sso.secret');
    writeFileSync(secretFile, `${'0123456789abcdef'.repeat(4)}\n`, { mode: 0o600 });
  });
  afterAll(() => {
    python.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const minted = (): string => {
    const url = python.token(secretFile, 'anna.admin').result?.url ?? '';
    expect(url).toMatch(/^\/pascom-connector\/sso\?token=[\w-]+\.[\w-]+\.[\w-]+$/);
    return url.split('token=')[1] ?? '';
  };
  const nodeOptions = (): SsoVerifyOptions =>
    options({ secret: '0123456789abcdef'.repeat(4), nowSec: Math.floor(Date.now() / 1000) });

  it('verifies in Node with the trimmed secret file as key', () => {
    expect(verifySsoToken(minted(), nodeOptions())).toEqual({ ok: true, username: 'anna.admin' });
  });

  it('fails the signature check once the claims are changed', () => {
    const [header, payload = '', signature] = minted().split('.');
    const claimsJson = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${header}.${b64({ ...claimsJson, sub: 'root' })}.${signature}`;
    expect(verifySsoToken(forged, nodeOptions())).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('is refused when used a second time', () => {
    const opts = nodeOptions();
    const token = minted();
    expect(verifySsoToken(token, opts).ok).toBe(true);
    expect(verifySsoToken(token, opts)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('gets a new one-time id for every token', () => {
    expect(minted().split('.')[1]).not.toBe(minted().split('.')[1]);
  });

  it('answers 503 with a hint when the join script has not written the secret yet', () => {
    expect(python.token(join(dir, 'missing'), 'anna.admin')).toMatchObject({
      status: 503,
      error: expect.stringMatching(/join scripts/),
    });
  });

  it('answers 401 without a logged-in user', () => {
    expect(python.token(secretFile, '')).toMatchObject({ status: 401 });
  });
});
