/**
 * A streaming subtree search with the simple paged results control (RFC 2696,
 * 1.2.840.113556.1.4.319) on an LdapSession: each entry is decoded as it arrives and handed
 * to `onEntry`; the paging cookie is followed until the server returns an empty one.
 *
 * The control is sent non-critical, as ldapsearch `-E pr=` and ldapts do: a server without
 * paging then answers with a plain search, which is complete unless its size limit cuts it
 * (result 4, reported as an LdapResultError that says so), instead of refusing outright.
 */
import { FilterParser, PagedResultsControl, SearchRequest, type Filter } from 'ldapts';

import { UNIVERSAL, decodeInteger, expectTag, readChildren, readSingle } from './ber.js';
import { LdapConnectionError, errorFromResult } from './errors.js';
import { decodeMessage, decodeResult, type RawControl } from './ldap-messages.js';
import { AttributeNames, decodeSearchEntry, type SearchEntry } from './entry-decoder.js';
import type { LdapConnectionOptions } from './ldap-connection.js';
import { LdapSession } from './ldap-session.js';

export const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';

const OP = { entry: 0x64, done: 0x65, reference: 0x73 } as const;

export interface PagedSearchParams {
  readonly baseDn: string;
  /** RFC 4515 filter string; values inside must already be escaped (ldap-filter.ts). */
  readonly filter: string;
  /** Attributes to return; the server's spelling of each is replaced by this one. */
  readonly attributes: readonly string[];
  /** Entries per page (RFC 2696 size). */
  readonly pageSize: number;
  /**
   * One of `attributes` (e.g. `entryUUID`) whose first value is passed as `key` and left out of
   * `attributes`. Optional.
   */
  readonly keyAttribute?: string | undefined;
}

export type EntryHandler = (entry: SearchEntry & { key: string | undefined }) => void;

/** Runs the search to its end on an open session. Rejects with an LdapError. */
export async function pagedSearch(
  session: LdapSession,
  params: PagedSearchParams,
  onEntry: EntryHandler,
): Promise<void> {
  const filter = FilterParser.parseString(params.filter);
  const names = new AttributeNames(params.attributes);
  let cookie: Buffer | undefined;
  do {
    cookie = await searchPage(session, params, filter, names, cookie, onEntry);
  } while (cookie !== undefined);
}

/** Connects, binds, runs `pagedSearch` and closes: the whole read as one call. */
export async function pagedSearchAll(
  connection: LdapConnectionOptions & { readonly bindDn: string; readonly password: string },
  params: PagedSearchParams,
  onEntry: EntryHandler,
): Promise<void> {
  const session = await LdapSession.open(connection, connection.bindDn, connection.password);
  try {
    await pagedSearch(session, params, onEntry);
  } finally {
    await session.close();
  }
}

/** One page; resolves with the cookie for the next one, or undefined when this was the last. */
async function searchPage(
  session: LdapSession,
  params: PagedSearchParams,
  filter: Filter,
  names: AttributeNames,
  cookie: Buffer | undefined,
  onEntry: EntryHandler,
): Promise<Buffer | undefined> {
  let next: Buffer | undefined;
  const encode = (messageId: number): Buffer =>
    new SearchRequest({
      messageId,
      baseDN: params.baseDn,
      scope: 'sub',
      derefAliases: 'never',
      sizeLimit: 0,
      timeLimit: 0, // ldapts defaults to 10 s
      filter,
      attributes: [...params.attributes],
      controls: [
        new PagedResultsControl({ value: { size: params.pageSize, ...(cookie === undefined ? {} : { cookie }) } }),
      ],
    }).write();
  await session.exchange('search', encode, (message, head) => {
    if (head.opTag === OP.entry) {
      onEntry(decodeSearchEntry(message, names, params.keyAttribute));
      return false;
    }
    // Referrals point at other servers; UCS users all live in this one (ldapts drops them too).
    if (head.opTag === OP.reference) return false;
    if (head.opTag !== OP.done)
      throw new LdapConnectionError(`unexpected LDAP operation 0x${head.opTag.toString(16)} in a search`);
    const done = decodeMessage(message);
    const result = decodeResult(done.op);
    if (result.code !== 0) {
      throw errorFromResult(result.code, result.diagnostic, session.errorContext('search'));
    }
    next = nextCookie(done.controls);
    return true;
  });
  return next;
}

/** The cookie of the paged results response control; undefined when absent or empty (the last page). */
export function nextCookie(controls: readonly RawControl[]): Buffer | undefined {
  const control = controls.find((candidate) => candidate.type === PAGED_RESULTS_OID);
  if (control?.value === undefined) return undefined;
  const sequence = expectTag(
    readSingle(control.value, 'paged results value'),
    UNIVERSAL.sequence,
    'paged results value',
  );
  const [size, cookie] = readChildren(sequence.value);
  decodeInteger(expectTag(size, UNIVERSAL.integer, 'paged results size'), 'paged results size');
  const value = expectTag(cookie, UNIVERSAL.octetString, 'paged results cookie').value;
  return value.length === 0 ? undefined : Buffer.from(value);
}
