/**
 * Read-only lookups of entries by DN on one bound connection: what the translog source needs of
 * LDAP (transactions by their DN, the users now at a DN), without a raw client. Many reads run
 * at once on the connection; an entry that does not exist is `undefined`, not an error.
 */
import { type Client, type Entry, NoSuchObjectError } from 'ldapts';

/** An entry's attributes, names lower-cased, values as strings. */
export type EntryValues = Readonly<Record<string, readonly string[]>>;

export interface EntryReader {
  /** The entries at `dns` matching `filter` (default any), in the order given; undefined where none is. */
  readAt(
    dns: readonly string[],
    attributes: readonly string[],
    filter?: string,
  ): Promise<Array<EntryValues | undefined>>;
  /** The entries one level below `base` matching `filter`, paged. */
  listBelow(base: string, filter: string, attributes: readonly string[]): Promise<EntryValues[]>;
}

/** Searches in flight at once on one connection. */
const CONCURRENCY = 16;
const ANY_OBJECT = '(objectClass=*)';

export function entryReaderOf(client: Client): EntryReader {
  return {
    readAt: (dns, attributes, filter = ANY_OBJECT) =>
      mapLimited(dns, CONCURRENCY, (dn) => readOne(client, dn, attributes, filter)),
    async listBelow(base, filter, attributes) {
      const { searchEntries } = await client.search(base, {
        scope: 'one',
        filter,
        attributes: [...attributes],
        paged: { pageSize: 1000 },
      });
      return searchEntries.map(valuesOf);
    },
  };
}

async function readOne(
  client: Client,
  dn: string,
  attributes: readonly string[],
  filter: string,
): Promise<EntryValues | undefined> {
  try {
    const { searchEntries } = await client.search(dn, { scope: 'base', filter, attributes: [...attributes] });
    const entry = searchEntries[0];
    return entry === undefined ? undefined : valuesOf(entry);
  } catch (error) {
    if (error instanceof NoSuchObjectError) return undefined;
    throw error;
  }
}

function valuesOf(entry: Entry): EntryValues {
  const values: Record<string, string[]> = {};
  for (const [name, raw] of Object.entries(entry)) {
    if (name === 'dn') continue;
    values[name.toLowerCase()] = (Array.isArray(raw) ? raw : [raw]).map((v) =>
      Buffer.isBuffer(v) ? v.toString('utf8') : String(v),
    );
  }
  return values;
}

/** Runs `fn` over `items` with at most `limit` at a time; results keep the items' order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await fn(items[index] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
