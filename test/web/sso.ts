/** Mints single sign-on tokens the way the UMC module does (HS256 compact JWT), for tests. */
import { createHmac, randomUUID } from 'node:crypto';

export interface Claims {
  sub?: string;
  aud?: string;
  iat?: number;
  exp?: number;
  jti?: string;
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function mintToken(secret: string, claims: Claims = {}, nowSec = Math.floor(Date.now() / 1000)): string {
  const payload = {
    sub: 'Administrator',
    aud: 'pascom-connector',
    iat: nowSec,
    exp: nowSec + 60,
    jti: randomUUID(),
    ...claims,
  };
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
