/**
 * Atomic, private writes of config.yaml: a temp file in the same
 * directory created 0600, fsync, rename, fsync of the directory. No moment exists in which
 * the file has umask permissions or half its content.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename as fsRename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { Document } from 'yaml';
import { MACHINE_SECRET_PATH, UCS_CA_PATH } from './container-defaults.js';
import type { ConfigError } from './issues.js';
import { parseYaml, validateConfig } from './validate.js';

export interface AtomicWriteDeps {
  /** Replaces the target; injectable so tests can simulate a crash between write and rename. */
  readonly rename: (from: string, to: string) => Promise<void>;
}

const defaultDeps: AtomicWriteDeps = { rename: fsRename };

async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch((error: unknown) => {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  });
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `data` to `path` atomically with mode 0600. On failure the old file is intact and no temp file remains. */
export async function writeFileAtomic(path: string, data: string, deps: AtomicWriteDeps = defaultDeps): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    // The umask can only remove bits from 0600; chmod makes the mode exact regardless.
    await handle.chmod(0o600);
    await handle.writeFile(data, 'utf8');
    await handle.sync();
    await handle.close();
    await deps.rename(tmp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await removeQuietly(tmp);
    throw error;
  }
  await syncDirectory(dir);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutFileSecret(section: unknown): unknown {
  if (!isPlainObject(section)) return section;
  const { password, ...rest } = section;
  return rest['passwordFile'] === undefined && password !== undefined ? { ...rest, password } : rest;
}

/**
 * Writes a whole config object as YAML (0600, atomic). A password that sits next to a
 * `passwordFile` came from that file and is left out, so the reference survives. Does not
 * validate: use `updateConfigFile` to edit an existing file.
 */
export async function writeConfigFile(
  path: string,
  config: Readonly<Record<string, unknown>>,
  deps?: AtomicWriteDeps,
): Promise<void> {
  const safe = { ...config, ucs: withoutFileSecret(config['ucs']), pascom: withoutFileSecret(config['pascom']) };
  const cleaned = Object.fromEntries(Object.entries(safe).filter(([, value]) => value !== undefined));
  await writeFileAtomic(path, stringify(cleaned), deps);
}

/** Sets a section's password in the YAML document, replacing a `passwordFile` reference. */
export function setPassword(doc: Document, section: 'ucs' | 'pascom', password: string): void {
  doc.deleteIn([section, 'passwordFile']);
  doc.setIn([section, 'password'], password);
}

export interface UpdateOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly machineSecretPath?: string;
  /** Whether the UCS CA exists (container default for `ucs.caFile`). Default false. */
  readonly ucsCaExists?: boolean;
  readonly deps?: AtomicWriteDeps;
}

/**
 * Edits config.yaml through the `yaml` Document API, so comments and key order survive,
 * validates the result with the schema and writes it only when valid. Invalid → errors, file untouched.
 */
export async function updateConfigFile(
  path: string,
  mutate: (doc: Document) => void,
  options: UpdateOptions,
): Promise<{ ok: true } | { ok: false; errors: ConfigError[] }> {
  const parsed = parseYaml(await readFile(path, 'utf8'), path);
  if (!parsed.ok) return parsed;
  mutate(parsed.doc);
  const ctx = {
    env: options.env,
    machineSecretPath: options.machineSecretPath ?? MACHINE_SECRET_PATH,
    ucsCaPath: UCS_CA_PATH,
    ucsCaExists: options.ucsCaExists ?? false,
  };
  const validated = validateConfig(parsed.doc.toJS(), ctx);
  if (!validated.ok) return validated;
  await writeFileAtomic(path, parsed.doc.toString(), options.deps);
  return { ok: true };
}
