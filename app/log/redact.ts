/**
 * Secret redaction for log records: values under secret-looking keys become `[redacted]` at
 * any depth, and registered secret strings (the resolved passwords) are cut out of every
 * string, including messages and error stacks. The caller's objects are never modified.
 */
export const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|credential/i;
export const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

export class SecretRegistry {
  private secrets: string[] = [];

  /** Adds a string to scrub; empty strings are ignored. Longer secrets are replaced first. */
  register(value: string): void {
    if (value === '' || this.secrets.includes(value)) return;
    this.secrets = [...this.secrets, value].sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    return this.secrets.reduce((current, secret) => current.split(secret).join(REDACTED), text);
  }
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  if (error.stack !== undefined) fields['stack'] = error.stack;
  for (const [key, value] of Object.entries(error)) fields[key] = value;
  if (error.cause !== undefined) fields['cause'] = error.cause;
  return fields;
}

/** A redacted deep copy of `value` (errors become plain objects so JSON keeps their message). */
export function redactValue(
  value: unknown,
  registry: SecretRegistry,
  depth = 0,
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return registry.scrub(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, registry, depth + 1, seen));
  if (value instanceof Date) return value.toISOString();
  const source = value instanceof Error ? errorFields(value) : value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) {
    copy[key] = SECRET_KEY.test(key) ? REDACTED : redactValue(item, registry, depth + 1, seen);
  }
  return copy;
}

/** Redacts the string-keyed fields of a winston `info` in place (winston's own per-call object). */
export function redactInfo<T extends Record<string, unknown>>(info: T, registry: SecretRegistry): T {
  for (const key of Object.keys(info)) {
    const value = info[key];
    Reflect.set(info, key, SECRET_KEY.test(key) ? REDACTED : redactValue(value, registry));
  }
  return info;
}
