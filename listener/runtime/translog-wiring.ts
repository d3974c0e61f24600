/** The translog source as the runtime runs it: the notifier beside the LDAP server, the id checkpoint. */
import type { ChangeSource } from '../change-source.js';
import { LdapTranslog } from '../translog/ldap-translog.js';
import { NotifierClient } from '../translog/notifier-client.js';
import { TranslogSource } from '../translog/translog-source.js';
import { CHECKPOINT_KEYS, type SourceContext, type SourceDirectory } from './source-context.js';

export function translogReader(directory: Pick<SourceDirectory, 'readEntries'>): LdapTranslog {
  return new LdapTranslog((fn) => directory.readEntries('translog', fn));
}

export function translogChangeSource(ctx: SourceContext): ChangeSource {
  const { config, directory, state } = ctx;
  const source = new TranslogSource({
    reader: translogReader(directory),
    objects: { usersAt: (dns) => directory.usersAt(dns), anchoredAt: (dn) => state.anchoredAt(dn) },
    notifier: new NotifierClient({
      host: notifierHost(config.ucs.url),
      port: config.listener.notifierPort,
      timeoutMs: config.ucs.timeoutMs,
    }),
    loadCheckpoint: () => parseCheckpoint(state.checkpoint(CHECKPOINT_KEYS.translog)),
    sink: (events, lastId) => ctx.sink(events, 'translog', { key: CHECKPOINT_KEYS.translog, value: String(lastId) }),
    intervalMs: config.listener.pollIntervalMs,
    logger: ctx.logger,
    onStatus: (status) => ctx.status(status.reason),
  });
  return { mode: 'translog', start: () => source.start(), stop: () => source.stop() };
}

/** The notifier runs beside the LDAP server: the host of `ucs.url` (IPv6 brackets removed). */
export function notifierHost(ldapUrl: string): string {
  return new URL(ldapUrl).hostname.replace(/^\[(.*)\]$/, '$1');
}

function parseCheckpoint(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
