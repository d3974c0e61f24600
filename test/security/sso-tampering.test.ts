/**
 * Single sign-on tokens under attack. Each forged
 * token is built from a *valid* one, so the test fails if the check it aims at is missing: the
 * untouched token would sign in. test/web/access.test.ts covers the basic refusals (other
 * secret, expired, audience, lifetime, non-admin); this file goes at the token's bytes.
 * Single sign-on allows 30 attempts a minute per address: this file makes 28.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import { mintToken } from '../web/sso.js';

let h: WebHarness;
const NORMAL_PASSWORD = 'normal-Sso-Pass-3';

beforeAll(async () => {
  h = await startWebHarness();
  await h.udm.createUser({ username: 'normal', lastname: 'Normal', password: NORMAL_PASSWORD, activated: true });
});
afterAll(async () => h.close());

const now = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (input: string, secret: string, algorithm = 'sha256'): string =>
  createHmac(algorithm, secret).update(input).digest('base64url');

function parts(token: string): [string, string, string] {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return [header, payload, signature];
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(parts(token)[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The token with one bit of its signature's `index`-th byte flipped. */
function flipSignatureBit(token: string, index: number): string {
  const [header, payload, signature] = parts(token);
  const bytes = Buffer.from(signature, 'base64url');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

/** The valid token's signature on a payload with `changes` applied. */
function withPayload(token: string, changes: Record<string, unknown>): string {
  const [header, , signature] = parts(token);
  return `${header}.${b64({ ...claimsOf(token), ...changes })}.${signature}`;
}

async function trySso(token: string): Promise<{ status: number; signedIn: boolean }> {
  const client = h.client();
  const res = await client.get(`/sso?token=${encodeURIComponent(token)}`);
  return { status: res.status, signedIn: (await client.get('/status')).status === 200 };
}

describe('a token changed after signing', () => {
  it('signs in untouched (the control for every case below)', async () => {
    expect(await trySso(mintToken(h.ssoSecret))).toEqual({ status: 303, signedIn: true });
  });

  it.each([0, 31])('is refused with one bit of signature byte %i flipped', async (index) => {
    expect(await trySso(flipSignatureBit(mintToken(h.ssoSecret), index))).toEqual({ status: 401, signedIn: false });
  });

  it.each([
    ['another user', { sub: 'normal' }],
    ['a later expiry', { exp: now() + 55 }],
    ['another token id (to replay it)', { jti: randomUUID() }],
    ['an audience list', { aud: ['pascom-connector', 'umc'] }],
  ])('is refused with the payload changed to %s', async (_case, changes) => {
    expect(await trySso(withPayload(mintToken(h.ssoSecret), changes))).toEqual({ status: 401, signedIn: false });
  });

  it('is refused with the signature cut short', async () => {
    const token = mintToken(h.ssoSecret);
    expect(await trySso(token.slice(0, -10))).toEqual({ status: 401, signedIn: false });
  });

  it('is refused without a signature', async () => {
    const [header, payload] = parts(mintToken(h.ssoSecret));
    expect(await trySso(`${header}.${payload}.`)).toEqual({ status: 401, signedIn: false });
  });
});

describe('a token with a forged header', () => {
  const claims = (): Record<string, unknown> => ({
    sub: 'Administrator',
    aud: 'pascom-connector',
    iat: now(),
    exp: now() + 60,
    jti: randomUUID(),
  });

  it('is refused with alg "none"', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    expect(await trySso(token)).toEqual({ status: 401, signedIn: false });
  });

  it('is refused with HS512, even when signed correctly with the right secret', async () => {
    const input = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(claims())}`;
    expect(await trySso(`${input}.${sign(input, h.ssoSecret, 'sha512')}`)).toEqual({ status: 401, signedIn: false });
  });

  it('is refused when signed with a secret that differs only in its last character', async () => {
    const near = `${h.ssoSecret.slice(0, -1)}${h.ssoSecret.endsWith('f') ? 'e' : 'f'}`;
    expect(await trySso(mintToken(near))).toEqual({ status: 401, signedIn: false });
  });

  it('is refused when signed with the secret file’s content including its newline', async () => {
    // The join script writes "secret\n"; only the trimmed secret is the key.
    expect(await trySso(mintToken(`${h.ssoSecret}\n`))).toEqual({ status: 401, signedIn: false });
  });
});

describe('claims', () => {
  it.each([
    ['for the UMC audience', () => ({ aud: 'umc' })],
    ['expired a second ago', () => ({ iat: now() - 30, exp: now() - 1 })],
    ['issued a minute in the future', () => ({ iat: now() + 60, exp: now() + 100 })],
    ['without a token id', () => ({ jti: '' })],
    ['for a name with a filter wildcard', () => ({ sub: 'Administrato*' })],
  ])('refuses a correctly signed token %s', async (_case, claims) => {
    expect(await trySso(mintToken(h.ssoSecret, claims()))).toEqual({ status: 401, signedIn: false });
  });
});

describe('replay', () => {
  it('signs in once, then refuses the same token from another browser', async () => {
    const token = mintToken(h.ssoSecret);
    expect(await trySso(token)).toEqual({ status: 303, signedIn: true });
    expect(await trySso(token)).toEqual({ status: 401, signedIn: false });
  });

  it('lets exactly one of three simultaneous uses of a token in', async () => {
    const token = mintToken(h.ssoSecret);
    const results = await Promise.all(Array.from({ length: 3 }, () => trySso(token)));
    expect(results.filter((r) => r.signedIn)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(2);
  });

  it('refuses a used token even after that session signed out', async () => {
    const token = mintToken(h.ssoSecret);
    const client = h.client();
    await client.follow(await client.get(`/sso?token=${token}`));
    await client.post('/logout');
    expect(await trySso(token)).toEqual({ status: 401, signedIn: false });
  });

  it('does not burn a valid token id when a forged copy is tried first', async () => {
    const token = mintToken(h.ssoSecret);
    expect((await trySso(flipSignatureBit(token, 3))).signedIn).toBe(false);
    expect(await trySso(token)).toEqual({ status: 303, signedIn: true });
  });
});

describe('what is logged', () => {
  it('records why a token was refused but never the token', async () => {
    const token = withPayload(mintToken(h.ssoSecret), { sub: 'normal' });
    await trySso(token);
    const log = JSON.stringify(h.logs.entries);
    expect(log).toContain('bad-signature');
    expect(log).not.toContain(parts(token)[2]);
    expect(log).not.toContain(parts(token)[1]);
  });
});
