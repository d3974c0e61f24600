/**
 * Flat PascomRecord ⇄ pascom's JSON identity. Phonebook fields (by prefix) live in the first
 * entry of the phonebook array (`post.phonebook[0]` by default); everything else is top level.
 */
import type { PascomRecord } from '../core/types.js';
import type { PascomApiTable } from './api-table.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds the nested object for a dotted path, the innermost key holding `leaf`. */
function nest(path: readonly string[], leaf: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), leaf);
}

export function toWire(record: PascomRecord, table: PascomApiTable): JsonObject {
  const prefix = table.fields.phonebookPrefix;
  const top: JsonObject = {};
  const phonebook: JsonObject = {};
  for (const [field, value] of Object.entries(record)) {
    if (field.startsWith(prefix)) phonebook[field] = value;
    else top[field] = value;
  }
  if (Object.keys(phonebook).length === 0) return top;
  const [root, ...rest] = table.fields.phonebook.split('.');
  if (root === undefined) return top;
  top[root] = nest(rest, [phonebook]);
  return top;
}

/** Scalars become strings (pascom may send numbers); null and nested values are skipped. */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function phonebookEntry(json: JsonObject, path: readonly string[]): JsonObject | undefined {
  let node: unknown = json;
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  const first: unknown = Array.isArray(node) ? node[0] : undefined;
  return isObject(first) ? first : undefined;
}

/** The flat record of a JSON identity; unknown nested shapes are ignored, never fatal. */
export function fromWire(json: JsonObject, table: PascomApiTable): PascomRecord {
  const record: Record<string, string> = {};
  const path = table.fields.phonebook.split('.');
  for (const [field, value] of Object.entries(json)) {
    const text = scalar(value);
    // The phonebook's container key is structure, never a field, whatever it holds.
    if (text !== undefined && field !== path[0]) record[field] = text;
  }
  const entry = phonebookEntry(json, path);
  for (const [field, value] of Object.entries(entry ?? {})) {
    const text = scalar(value);
    if (text !== undefined && field.startsWith(table.fields.phonebookPrefix)) record[field] = text;
  }
  return record;
}

export { isObject as isJsonObject };
