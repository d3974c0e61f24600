/**
 * Test helpers for the translog integration tests: a TranslogSource wired to a fixture slapd
 * (with `cn=translog`) and, optionally, a notifier, plus a sink that plays the event handler's
 * part: each refresh is resolved against LDAP right away (present and enabled → upsert, else
 * gone) and the anchor table follows, as the real handler's pushes would make it.
 */
import { UcsDirectory } from '../../../app/directory/index.js';
import { LdapTranslog } from '../../../listener/translog/ldap-translog.js';
import { NotifierClient } from '../../../listener/translog/notifier-client.js';
import { TranslogSource, type TranslogEvent } from '../../../listener/translog/translog-source.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import { waitFor } from '../../fixtures/wait.js';
import { USER_ATTRIBUTES, USER_FILTER } from './syncrepl-harness.js';

export interface Outcome {
  readonly kind: 'upsert' | 'gone';
  readonly uuid: string;
  /** The user's DN for an upsert, the event's DN for gone. */
  readonly dn: string;
}

export function directoryFor(slapd: SlapdHandle): UcsDirectory {
  return new UcsDirectory({
    url: slapd.url,
    starttls: false,
    tlsVerify: true,
    timeoutMs: 5000,
    baseDn: slapd.baseDn,
    bindDn: slapd.computerDn,
    password: slapd.computerPassword,
    userFilter: USER_FILTER,
    attributes: USER_ATTRIBUTES,
  });
}

/** The connector's side: events, their resolution, the anchor table and the stored id. */
export class ConnectorSide {
  readonly events: TranslogEvent[] = [];
  readonly outcomes: Outcome[] = [];
  /** uuid → DN of the users the connector manages. */
  readonly anchors = new Map<string, string>();
  /** What the source logged. */
  readonly warnings: string[] = [];
  checkpoint: number | undefined;

  constructor(private readonly directory: UcsDirectory) {}

  readonly sink = async (events: readonly TranslogEvent[], lastId: number): Promise<void> => {
    for (const event of events) {
      this.events.push(event);
      const user = await this.directory.readUser(event.uuid);
      if (user === undefined) {
        this.anchors.delete(event.uuid);
        this.outcomes.push({ kind: 'gone', uuid: event.uuid, dn: event.dn });
      } else {
        this.anchors.set(event.uuid, user.dn);
        this.outcomes.push({ kind: 'upsert', uuid: event.uuid, dn: user.dn });
      }
    }
    this.checkpoint = lastId;
  };

  anchoredAt(dn: string): string[] {
    return [...this.anchors].filter(([, at]) => at.toLowerCase() === dn.toLowerCase()).map(([uuid]) => uuid);
  }

  /** Waits for the newest outcome of `uuid` to be `kind` (and, when given, at `dn`). */
  async waitForOutcome(uuid: string, kind: Outcome['kind'], dn?: string): Promise<Outcome> {
    return waitFor(
      () => {
        const last = this.outcomes.filter((o) => o.uuid === uuid).at(-1);
        return last?.kind === kind && (dn === undefined || last.dn.toLowerCase() === dn.toLowerCase())
          ? last
          : undefined;
      },
      { timeoutMs: 8000, message: `${uuid} never became ${kind}${dn === undefined ? '' : ` at ${dn}`}` },
    );
  }
}

export interface SourceSetup {
  /** The notifier's address; undefined: poll only. */
  readonly notifier?: { readonly host: string; readonly port: number } | undefined;
  readonly intervalMs?: number;
  readonly gapWaitMs?: number;
}

export function translogSource(slapd: SlapdHandle, side: ConnectorSide, setup: SourceSetup = {}): TranslogSource {
  const directory = directoryFor(slapd);
  return new TranslogSource({
    reader: new LdapTranslog((fn) => directory.readEntries('translog', fn)),
    objects: { usersAt: (dns) => directory.usersAt(dns), anchoredAt: (dn) => side.anchoredAt(dn) },
    notifier: setup.notifier === undefined ? undefined : new NotifierClient({ ...setup.notifier, timeoutMs: 2000 }),
    sink: side.sink,
    loadCheckpoint: () => side.checkpoint,
    intervalMs: setup.intervalMs ?? 100,
    gapWaitMs: setup.gapWaitMs,
    logger: { warn: (message) => side.warnings.push(message), error: (message) => side.warnings.push(message) },
  });
}
