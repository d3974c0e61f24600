/**
 * App Center listener files: one JSON file per
 * changed UDM object, named by timestamp, `{dn, id, object | null, options, udm_object_type}`.
 * Version 1 carries UDM strings, version 2 JSON types; only the fields read here matter, and
 * they are the same in both. Parsing is pure: the trigger command does the file I/O.
 */
import type { Anchor } from '../app/core/types.js';

/** `2025-03-14-09-26-53-481207.json`: lexical order is chronological. */
export const LISTENER_FILE_NAME = /^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{6}\.json$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ListenerFileEvent =
  /** The object changed: its current state is read from LDAP when the event is handled. */
  | { readonly kind: 'refresh'; readonly uuid: Anchor; readonly dn: string }
  /** The object was deleted (`object: null`). */
  | { readonly kind: 'gone'; readonly uuid: Anchor; readonly dn: string };

export type ParsedListenerFile =
  | { readonly ok: true; readonly event: ListenerFileEvent }
  /** A valid file about another object type (groups, computers): nothing to do. */
  | { readonly ok: true; readonly event: undefined; readonly objectType: string }
  | { readonly ok: false; readonly error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseListenerFile(text: string): ParsedListenerFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `not valid JSON (${error instanceof Error ? error.message : String(error)}); truncated?`,
    };
  }
  if (!isRecord(json)) return { ok: false, error: 'not a JSON object' };
  const { id, dn, object, udm_object_type: type } = json;
  if (typeof type !== 'string' || type === '') return { ok: false, error: 'missing "udm_object_type"' };
  if (typeof id !== 'string' || !UUID.test(id))
    return { ok: false, error: `"id" is not an entryUUID: ${JSON.stringify(id)}` };
  if (typeof dn !== 'string' || dn === '') return { ok: false, error: 'missing "dn"' };
  if (object !== null && !isRecord(object)) return { ok: false, error: '"object" is neither an object nor null' };
  if (type !== 'users/user') return { ok: true, event: undefined, objectType: type };
  const uuid = id.toLowerCase();
  return { ok: true, event: object === null ? { kind: 'gone', uuid, dn } : { kind: 'refresh', uuid, dn } };
}
