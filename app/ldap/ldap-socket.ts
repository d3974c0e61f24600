/**
 * Opens an LDAP socket of our own (the listener's sync search, the directory's paged reads):
 * plain TCP, ldaps (implicit TLS) or StartTLS, with TCP keepalive on so a silently dead server is
 * noticed during a long, quiet persist phase.
 */
import net from 'node:net';
import tls from 'node:tls';

import { LdapProtocolError, LdapTimeoutError, classifyLdapError, errorFromResult } from './errors.js';
import { OP, decodeMessage, decodeResult, encodeStartTls } from './ldap-messages.js';
import { MessageFramer } from './message-framer.js';

export interface LdapSocketOptions {
  /** `ldap://host[:port]` (default port 389) or `ldaps://host[:port]` (default 636). */
  readonly url: string;
  /** Upgrade an `ldap://` connection with StartTLS before anything else. Default false. */
  readonly startTls?: boolean | undefined;
  /** PEM CA certificate(s) that sign the server's certificate (the UCS CA). Default: Node's CA list. */
  readonly ca?: string | Buffer | undefined;
  /** Name to check the certificate against. Default: the URL's host name (not for IP addresses). */
  readonly servername?: string | undefined;
  /** Verify the server certificate. Default true; false is for tests against throwaway servers only. */
  readonly rejectUnauthorized?: boolean | undefined;
  /** Milliseconds for TCP connect, TLS handshake and each answer before the search. Default 10000. */
  readonly timeoutMs?: number | undefined;
}

/** The message id the StartTLS request uses; later requests on the socket use higher ids. */
export const START_TLS_MESSAGE_ID = 1;
const KEEPALIVE_DELAY_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 10_000;

interface Target {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
}

export function parseLdapUrl(url: string): Target {
  const parsed = new URL(url);
  if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') throw new TypeError(`Not an LDAP URL: ${url}`);
  const secure = parsed.protocol === 'ldaps:';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { secure, host, port: parsed.port === '' ? (secure ? 636 : 389) : Number(parsed.port) };
}

export async function openLdapSocket(options: LdapSocketOptions): Promise<net.Socket> {
  const target = parseLdapUrl(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const label = `${target.host}:${target.port}`;
  const plain = target.secure ? undefined : net.connect({ host: target.host, port: target.port });
  const first = plain ?? tls.connect({ host: target.host, port: target.port, ...tlsOptions(options, target) });
  let socket: net.Socket = first;
  try {
    await settle(first, target.secure ? 'secureConnect' : 'connect', timeoutMs, label);
    if (plain !== undefined && options.startTls === true) {
      await requestStartTls(plain, timeoutMs, label, options.url);
      socket = tls.connect({ socket: plain, host: target.host, ...tlsOptions(options, target) });
      await settle(socket, 'secureConnect', timeoutMs, label);
    }
  } catch (error) {
    socket.destroy();
    first.destroy();
    throw classifyLdapError(error, { url: options.url, operation: 'connect' });
  }
  // After StartTLS the TLS socket owns the stream; failures of the TCP socket below must reach it.
  if (socket !== first) first.on('error', (error) => socket.destroy(error));
  first.setKeepAlive(true, KEEPALIVE_DELAY_MS);
  first.setNoDelay(true);
  return socket;
}

/** The TLS server name (SNI) for `host`: none for an IP address (RFC 6066); the identity check then uses the host. */
export function serverNameFor(host: string): string | undefined {
  return net.isIP(host) === 0 ? host : undefined;
}

function tlsOptions(options: LdapSocketOptions, target: Target): tls.ConnectionOptions {
  const servername = options.servername ?? serverNameFor(target.host);
  return {
    ca: options.ca,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    ...(servername === undefined ? {} : { servername }),
  };
}

/** Resolves on `event`, rejects on error, early close or timeout. */
function settle(
  socket: net.Socket,
  event: 'connect' | 'secureConnect',
  timeoutMs: number,
  label: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        finish(
          new LdapTimeoutError(
            `the UCS LDAP server at ${label} did not answer the ${event === 'connect' ? 'TCP connect' : 'TLS handshake'} in time (${timeoutMs} ms)`,
          ),
        ),
      timeoutMs,
    );
    const onEvent = (): void => finish(undefined);
    const onError = (error: Error): void => finish(error);
    const onClose = (): void => finish(new Error(`connection closed by ${label}`));
    function finish(error: Error | undefined): void {
      clearTimeout(timer);
      socket.off(event, onEvent).off('error', onError).off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    }
    socket.once(event, onEvent).once('error', onError).once('close', onClose);
  });
}

/** Sends the StartTLS extended request and waits for its answer on the plain socket. */
async function requestStartTls(socket: net.Socket, timeoutMs: number, label: string, url: string): Promise<void> {
  const answer = readOneMessage(socket, timeoutMs, label);
  socket.write(encodeStartTls(START_TLS_MESSAGE_ID));
  const message = decodeMessage(await answer);
  if (message.op.tag !== OP.extendedResponse)
    throw new LdapProtocolError(`StartTLS: unexpected answer 0x${message.op.tag.toString(16)}`);
  const result = decodeResult(message.op);
  if (result.code !== 0) throw errorFromResult(result.code, result.diagnostic, { url, operation: 'StartTLS' });
}

function readOneMessage(socket: net.Socket, timeoutMs: number, label: string): Promise<Buffer> {
  const framer = new MessageFramer();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        finish(
          new LdapTimeoutError(
            `the UCS LDAP server at ${label} did not answer the StartTLS request in time (${timeoutMs} ms)`,
          ),
        ),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      try {
        const [message] = framer.push(chunk);
        if (message !== undefined) finish(undefined, message);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const onError = (error: Error): void => finish(error);
    const onClose = (): void => finish(new Error(`connection closed by ${label} during StartTLS`));
    function finish(error: Error | undefined, message?: Buffer): void {
      clearTimeout(timer);
      socket.off('data', onData).off('error', onError).off('close', onClose);
      if (message !== undefined) resolve(message);
      else reject(error ?? new Error('no message'));
    }
    socket.on('data', onData).once('error', onError).once('close', onClose);
  });
}
