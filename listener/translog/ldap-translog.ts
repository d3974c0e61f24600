/**
 * The translog source's LDAP side: transactions from `cn=translog`.
 *
 * UCS gives `cn=translog` the schema of OpenLDAP's accesslog module (slapd.conf.d/31modules loads
 * accesslog.so), where reqSession is a caseIgnoreMatch string without ORDERING: a filter such
 * as `(reqSession>=100)` matches nothing, and UCS adds no index for it. So every transaction is
 * read by its DN `reqSession=<id>,cn=translog` (as `univention-translog ldap <id>` does), many
 * at a time on one connection. Without the notifier the newest id is found by probing DNs.
 */
import type { TranslogReader, TranslogTransaction } from './translog-source.js';

/** An entry's attributes, names lower-cased, values as strings. */
export type EntryValues = Readonly<Record<string, readonly string[]>>;

/** Read-only lookups on one bound connection (UcsDirectory.readEntries). */
export interface EntryLookups {
  /** The entries at `dns`, in the order given; undefined where none exists. Many run at once. */
  readAt(dns: readonly string[], attributes: readonly string[]): Promise<Array<EntryValues | undefined>>;
  /** The entries one level below `base` matching `filter`, paged. */
  listBelow(base: string, filter: string, attributes: readonly string[]): Promise<EntryValues[]>;
}

/** Runs `fn` with lookups on one connection, opened for it and closed after. */
export type EntrySession = <T>(fn: (lookups: EntryLookups) => Promise<T>) => Promise<T>;

/** UCS's translog suffix (slapd.conf.d/99translog). */
export const TRANSLOG_BASE = 'cn=translog';

/** Ids probed past the last known one, so a small hole does not hide newer transactions. */
const PROBE_WINDOW = 8;
const TRANSACTION_ATTRIBUTES = ['reqSession', 'reqDN', 'reqType'];

export function transactionDn(id: number, base: string = TRANSLOG_BASE): string {
  return `reqSession=${id},${base}`;
}

export class LdapTranslog implements TranslogReader {
  constructor(
    private readonly session: EntrySession,
    private readonly base: string = TRANSLOG_BASE,
  ) {}

  async readTransactions(afterId: number, limit: number): Promise<TranslogTransaction[]> {
    const ids = Array.from({ length: limit }, (_, i) => afterId + 1 + i);
    const read = await this.session((lookups) => this.read(lookups, ids));
    return read.filter((t): t is TranslogTransaction => t !== undefined);
  }

  /** Whether the translog database can be read at all (auto mode's check). */
  async readable(): Promise<boolean> {
    const [entry] = await this.session((lookups) => lookups.readAt([this.base], ['1.1']));
    return entry !== undefined;
  }

  /**
   * The newest existing id at or after `hint`: probes a few ids past it, then doubles the step
   * until an id is missing and bisects. With no hint (first start) it lists the translog once.
   */
  async currentId(hint: number): Promise<number> {
    if (hint <= 0) return this.session((lookups) => this.scanMax(lookups));
    return this.session(async (lookups) => {
      const window = Array.from({ length: PROBE_WINDOW }, (_, i) => hint + 1 + i);
      const present = await this.read(lookups, window);
      const nearest = window.filter((_, i) => present[i] !== undefined).at(-1);
      if (nearest === undefined) return hint;
      return this.gallop(lookups, nearest);
    });
  }

  private async gallop(lookups: EntryLookups, known: number): Promise<number> {
    const exists = async (id: number): Promise<boolean> => (await this.read(lookups, [id]))[0] !== undefined;
    let low = known;
    let step = PROBE_WINDOW;
    while (await exists(low + step)) {
      low += step;
      step *= 2;
    }
    let high = low + step;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await exists(middle)) low = middle;
      else high = middle;
    }
    return low;
  }

  private async scanMax(lookups: EntryLookups): Promise<number> {
    const entries = await lookups.listBelow(this.base, '(reqSession=*)', ['reqSession']);
    return entries.reduce((max, entry) => Math.max(max, toId(entry['reqsession']) ?? 0), 0);
  }

  private async read(lookups: EntryLookups, ids: readonly number[]): Promise<Array<TranslogTransaction | undefined>> {
    const entries = await lookups.readAt(
      ids.map((id) => transactionDn(id, this.base)),
      TRANSACTION_ATTRIBUTES,
    );
    return entries.map((entry, i) =>
      entry === undefined
        ? undefined
        : {
            id: toId(entry['reqsession']) ?? (ids[i] as number),
            dn: entry['reqdn']?.[0] ?? '',
            type: entry['reqtype']?.[0]?.toLowerCase() ?? 'm',
          },
    );
  }
}

function toId(values: readonly string[] | undefined): number | undefined {
  const text = values?.[0]?.trim();
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}
