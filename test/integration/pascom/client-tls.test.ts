import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PascomClient, PascomTlsError } from '../../../app/pascom/index.js';
import type { PascomClientOptions } from '../../../app/pascom/index.js';

let server: Server;
let cert: string;
let url: string;

/** A throw-away self-signed certificate for 127.0.0.1 (openssl is on every test machine). */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pascom-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  const pair = selfSigned();
  cert = pair.cert;
  server = createServer(pair, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function clientWith(extra: Partial<PascomClientOptions>): PascomClient {
  return new PascomClient({ url, instance: 'acme', user: 'moby', password: 'pw', ...extra });
}

describe('PascomClient over https', () => {
  it('refuses an untrusted certificate with a permanent PascomTlsError', async () => {
    const client = clientWith({});
    try {
      const error: unknown = await client.listIdentities().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(PascomTlsError);
      expect(error).toMatchObject({
        retryable: false,
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        message: expect.stringMatching(/pascom.caFile/),
      });
    } finally {
      client.close();
    }
  });

  it('trusts the certificate given as ca', async () => {
    const client = clientWith({ ca: cert });
    try {
      expect(await client.listIdentities()).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('reports the tls step of testConnection()', async () => {
    const client = clientWith({ ca: cert });
    try {
      const report = await client.testConnection();
      expect(report.steps.map((step) => [step.name, step.ok])).toEqual([
        ['tcp', true],
        ['tls', true],
        ['auth', true],
        ['instance', true],
      ]);
      expect(report.steps[1]?.detail).toMatch(/certificate verified/);
    } finally {
      client.close();
    }
  });

  it('stops testConnection() at the tls step for an untrusted certificate', async () => {
    const client = clientWith({});
    try {
      const report = await client.testConnection();
      expect(report).toMatchObject({
        ok: false,
        steps: [
          { name: 'tcp', ok: true },
          { name: 'tls', ok: false },
        ],
      });
    } finally {
      client.close();
    }
  });
});
