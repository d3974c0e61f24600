/**
 * From YAML text to a validated `ConfigFile`: syntax errors with line and column, nulls
 * read as "absent", container defaults, then the schema. Shared by the loader and the writer.
 */
import { parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { applyContainerDefaults } from './container-defaults.js';
import type { ContainerContext } from './container-defaults.js';
import { issuesToErrors } from './issues.js';
import type { ConfigError } from './issues.js';
import { configSchema } from './schema.js';
import type { ConfigFile } from './schema.js';

export type Validated =
  | { readonly ok: true; readonly value: ConfigFile; readonly container: readonly string[] }
  | { readonly ok: false; readonly errors: ConfigError[] };

/** Parses YAML; errors say `FILE: line L, column C: what` and never quote the line (it may hold a secret). */
export function parseYaml(
  text: string,
  file: string,
): { ok: true; doc: Document } | { ok: false; errors: ConfigError[] } {
  const doc = parseDocument(text);
  if (doc.errors.length === 0) return { ok: true, doc };
  const errors = doc.errors.map((error) => {
    const where = error.linePos?.[0];
    const what = error.message.split(' at line ')[0] ?? error.message;
    const position = where === undefined ? '' : ` line ${where.line}, column ${where.col}:`;
    return { path: '', message: `${file}:${position} ${what}` };
  });
  return { ok: false, errors };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** YAML `key:` with nothing after it is null; treat it as absent, except `schedule:` which means "off". */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  return isPlainObject(value) ? dropNullEntries(value) : value;
}

function dropNullEntries(value: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(value).filter(([, item]) => item !== null);
  return Object.fromEntries(entries.map(([key, item]) => [key, dropNulls(item)]));
}

export function validateConfig(raw: unknown, ctx: ContainerContext): Validated {
  if (raw === null || raw === undefined) {
    return {
      ok: false,
      errors: [{ path: '', message: 'the file is empty (expected at least the "ucs:" and "pascom:" sections)' }],
    };
  }
  if (!isPlainObject(raw)) {
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: 'the file does not hold a mapping of keys (expected sections such as "ucs:" and "pascom:")',
        },
      ],
    };
  }
  const normalized = dropNullEntries(raw);
  if (raw['schedule'] === null) normalized['schedule'] = '';
  const dataDir = ctx.env['PASCOM_CONNECTOR_DATA_DIR'];
  if (normalized['dataDir'] === undefined && dataDir !== undefined && dataDir !== '') normalized['dataDir'] = dataDir;
  const defaults = applyContainerDefaults(normalized, ctx);
  const parsed = configSchema.safeParse(defaults.raw);
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error.issues, defaults.raw) };
  return { ok: true, value: parsed.data, container: defaults.taken };
}
