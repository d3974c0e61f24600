/**
 * Opens an ldapts client bound as the configured account, over plain LDAP, ldaps:// or
 * StartTLS, with the server certificate verified against the configured CA unless the admin
 * turned verification off explicitly.
 */
import { Client } from 'ldapts';
import type { ConnectionOptions } from 'node:tls';
import { classifyLdapError } from './errors.js';
import { serverNameFor } from './ldap-socket.js';

export interface LdapConnectionOptions {
  /** `ldap://host:port` or `ldaps://host:port`. */
  readonly url: string;
  /** Upgrade a plain connection with StartTLS before binding. */
  readonly starttls: boolean;
  /** PEM text of the CA that signed the server certificate (the UCS CA); undefined = system CAs. */
  readonly ca?: string | undefined;
  /** Verify the server certificate (default true; false only for diagnosis). */
  readonly tlsVerify: boolean;
  /**
   * Timeout in ms: per operation on ldapts (which destroys the socket when it fires); on the
   * paged reader (ldap-session.ts) the longest silence of the server during an operation.
   */
  readonly timeoutMs: number;
}

export function tlsOptionsFor(options: LdapConnectionOptions): ConnectionOptions {
  // An IPv6 host comes bracketed from URL; the address itself decides that no name is sent.
  const servername = serverNameFor(new URL(options.url).hostname.replace(/^\[(.*)\]$/, '$1'));
  return {
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    rejectUnauthorized: options.tlsVerify,
    ...(servername === undefined ? {} : { servername }),
  };
}

/** A connected, bound client. The caller must `unbind()` it. */
export async function openLdap(options: LdapConnectionOptions, bindDn: string, password: string): Promise<Client> {
  const secure = options.url.startsWith('ldaps://');
  const client = new Client({
    url: options.url,
    timeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
    // tlsOptions here would mean implicit TLS even for ldap://: only for ldaps.
    ...(secure ? { tlsOptions: tlsOptionsFor(options) } : {}),
  });
  try {
    if (options.starttls && !secure) await client.startTLS(tlsOptionsFor(options));
    await client.bind(bindDn, password);
    return client;
  } catch (error) {
    await client.unbind().catch(() => undefined);
    throw classifyLdapError(error, { url: options.url, operation: 'bind', bindDn });
  }
}
