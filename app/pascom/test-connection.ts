/**
 * The connection check behind the admin page's "Test connection" button: TCP, then TLS
 * (https only), then the credentials, each step timed. Stops at the first failing step.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';
import { classifyNetworkError } from './classify-network.js';

export interface ConnectionStep {
  readonly name: 'tcp' | 'tls' | 'auth';
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
}

export interface ConnectionReport {
  readonly ok: boolean;
  readonly steps: ConnectionStep[];
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

export async function probeConnection(target: ProbeTarget, auth: () => Promise<string>): Promise<ConnectionReport> {
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
    (await run('auth', auth));
  return { ok, steps };
}
