/**
 * The translog source's LDAP side: transactions from `cn=translog` and the users now at a DN.
 *
 * UCS gives `cn=translog` the schema of OpenLDAP's accesslog module (slapd.conf.d/31modules loads
 * accesslog.so), where reqSession is a caseIgnoreMatch string without ORDERING: a filter such
 * as `(reqSession>=100)` matches nothing, and UCS adds no index for it. So every transaction is
 * read by its DN `reqSession=<id>,cn=translog` (as `univention-translog ldap <id>` does), many
 * at a time on one connection. Without the notifier the newest id is found by probing DNs.
 */
import { type Client, NoSuchObjectError } from 'ldapts';
import type { Anchor } from '../../app/core/types.js';
import type { TranslogReader, TranslogTransaction } from './translog-source.js';

/** Runs `fn` with a bound client (UcsDirectory.withClient). */
export type WithClient = <T>(fn: (client: Client) => Promise<T>) => Promise<T>;

/** UCS's translog suffix (slapd.conf.d/99translog). */
export const TRANSLOG_BASE = 'cn=translog';

/** Searches in flight at once on one connection. */
const CONCURRENCY = 16;
/** Ids probed past the last known one, so a small hole does not hide newer transactions. */
const PROBE_WINDOW = 8;

export function transactionDn(id: number, base: string = TRANSLOG_BASE): string {
  return `reqSession=${id},${base}`;
}

export class LdapTranslog implements TranslogReader {
  constructor(
    private readonly withClient: WithClient,
    private readonly base: string = TRANSLOG_BASE,
  ) {}

  async readTransactions(afterId: number, limit: number): Promise<TranslogTransaction[]> {
    const ids = Array.from({ length: limit }, (_, i) => afterId + 1 + i);
    const read = await this.withClient((client) => mapLimited(ids, CONCURRENCY, (id) => this.readOne(client, id)));
    return read.filter((t): t is TranslogTransaction => t !== undefined);
  }

  /** Whether the translog database can be read at all (auto mode's check). */
  async readable(): Promise<boolean> {
    return this.withClient(async (client) => {
      try {
        const { searchEntries } = await client.search(this.base, {
          scope: 'base',
          filter: '(objectClass=*)',
          attributes: ['1.1'],
        });
        return searchEntries.length > 0;
      } catch (error) {
        if (error instanceof NoSuchObjectError) return false;
        throw error;
      }
    });
  }

  /**
   * The newest existing id at or after `hint`: probes a few ids past it, then doubles the step
   * until an id is missing and bisects. With no hint (first start) it lists the translog once.
   */
  async currentId(hint: number): Promise<number> {
    if (hint <= 0) return this.withClient((client) => this.scanMax(client));
    return this.withClient(async (client) => {
      const window = Array.from({ length: PROBE_WINDOW }, (_, i) => hint + 1 + i);
      const present = await mapLimited(window, CONCURRENCY, (id) => this.exists(client, id));
      const nearest = window.filter((_, i) => present[i]).at(-1);
      if (nearest === undefined) return hint;
      return this.gallop(client, nearest);
    });
  }

  private async gallop(client: Client, known: number): Promise<number> {
    let low = known;
    let step = PROBE_WINDOW;
    while (await this.exists(client, low + step)) {
      low += step;
      step *= 2;
    }
    let high = low + step;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await this.exists(client, middle)) low = middle;
      else high = middle;
    }
    return low;
  }

  private async scanMax(client: Client): Promise<number> {
    const { searchEntries } = await client.search(this.base, {
      scope: 'one',
      filter: '(reqSession=*)',
      attributes: ['reqSession'],
      paged: { pageSize: 1000 },
    });
    return searchEntries.reduce((max, entry) => Math.max(max, toId(entry['reqSession']) ?? 0), 0);
  }

  private async exists(client: Client, id: number): Promise<boolean> {
    return (await this.readOne(client, id)) !== undefined;
  }

  private async readOne(client: Client, id: number): Promise<TranslogTransaction | undefined> {
    try {
      const { searchEntries } = await client.search(transactionDn(id, this.base), {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: ['reqSession', 'reqDN', 'reqType'],
      });
      const entry = searchEntries[0];
      if (entry === undefined) return undefined;
      return {
        id: toId(entry['reqSession']) ?? id,
        dn: firstString(entry['reqDN']) ?? '',
        type: firstString(entry['reqType'])?.toLowerCase() ?? 'm',
      };
    } catch (error) {
      if (error instanceof NoSuchObjectError) return undefined;
      throw error;
    }
  }
}

/** Users of any kind (enabled or not) at the given DNs, by base searches on one connection. */
export async function usersAt(
  withClient: WithClient,
  dns: readonly string[],
  userFilter: string,
): Promise<Map<string, Anchor>> {
  const found = await withClient((client) =>
    mapLimited(dns, CONCURRENCY, async (dn) => {
      try {
        const { searchEntries } = await client.search(dn, {
          scope: 'base',
          filter: userFilter,
          attributes: ['entryUUID'],
        });
        return firstString(searchEntries[0]?.['entryUUID']);
      } catch (error) {
        if (error instanceof NoSuchObjectError) return undefined;
        throw error;
      }
    }),
  );
  const result = new Map<string, Anchor>();
  dns.forEach((dn, i) => {
    const uuid = found[i];
    if (uuid !== undefined) result.set(dn, uuid.toLowerCase());
  });
  return result;
}

/** Runs `fn` over `items` with at most `limit` at a time; results keep the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  const queue = items.map((item, index) => ({ item, index }));
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) results[job.index] = await fn(job.item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function firstString(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  return Buffer.isBuffer(first) ? first.toString('utf8') : undefined;
}

function toId(value: unknown): number | undefined {
  const text = firstString(value);
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}
