/**
 * Does this server offer RFC 4533 on the configured base? Sends the Sync Request control as
 * critical with refreshOnly and a filter that matches nothing: without the syncprov overlay
 * slapd answers unavailableCriticalExtension (12).
 */
import { LdapTimeoutError, SyncUnavailableError, type LdapError } from '../../app/ldap/errors.js';
import { SyncreplConnection, type SyncreplConnectionOptions } from './syncrepl-connection.js';

export type ProbeResult = { readonly available: true } | { readonly available: false; readonly reason: string };

export const PROBE_FILTER = '(entryUUID=00000000-0000-0000-0000-000000000000)';
const DEFAULT_TIMEOUT_MS = 10_000;

/** Other failures (bind, TLS, network) are thrown as their typed errors: they say nothing about syncprov. */
export async function probe(options: SyncreplConnectionOptions): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let settle: (error: LdapError | undefined) => void = () => undefined;
  const outcome = new Promise<LdapError | undefined>((resolve) => {
    settle = resolve;
  });
  const connection = await SyncreplConnection.open(
    { ...options, filter: PROBE_FILTER, attributes: [] },
    { mode: 'refreshOnly', critical: true },
    (event) => {
      if (event.type === 'error') settle(event.error);
      if (event.type === 'done') settle(undefined);
    },
  );
  const timer = setTimeout(
    () => settle(new LdapTimeoutError(`The sync probe got no answer within ${timeoutMs} ms.`)),
    timeoutMs,
  );
  try {
    const error = await outcome;
    if (error instanceof SyncUnavailableError) return { available: false, reason: error.message };
    if (error !== undefined) throw error;
    return { available: true };
  } finally {
    clearTimeout(timer);
    await connection.close();
  }
}
