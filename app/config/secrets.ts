/** Reading `passwordFile`s and keeping resolved passwords out of logs and pages. */
import type { ConfigError } from './issues.js';
import type { Config } from './schema.js';

export type SecretSource = { readonly kind: 'inline' } | { readonly kind: 'file'; readonly path: string };

export type ReadFile = (path: string) => Promise<string>;

interface SecretSection {
  readonly password?: string | undefined;
  readonly passwordFile?: string | undefined;
}

function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}

/** The section's password, from the YAML value or its file (trailing newlines stripped). Never puts the content in an error. */
export async function resolveSecret(
  section: 'ucs' | 'pascom',
  value: SecretSection,
  readFile: ReadFile,
): Promise<{ ok: true; password: string; source: SecretSource } | { ok: false; error: ConfigError }> {
  if (value.password !== undefined) return { ok: true, password: value.password, source: { kind: 'inline' } };
  const file = value.passwordFile;
  const key = `${section}.passwordFile`;
  if (file === undefined)
    return { ok: false, error: { path: section, message: `${section}: needs password or passwordFile` } };
  let text: string;
  try {
    text = await readFile(file);
  } catch (error) {
    return {
      ok: false,
      error: { path: key, message: `${key}: cannot read ${JSON.stringify(file)} (${errorCode(error)})` },
    };
  }
  const password = text.replace(/[\r\n]+$/, '');
  if (password === '')
    return {
      ok: false,
      error: { path: key, message: `${key}: ${JSON.stringify(file)} is empty (expected the password)` },
    };
  return { ok: true, password, source: { kind: 'file', path: file } };
}

const shown = (password: string | undefined): string =>
  password === undefined || password === '' ? '(not set)' : '(set)';

/** A copy safe to log or show: passwords become "(set)" or "(not set)". */
export function redactConfig(config: Config): Config {
  return {
    ...config,
    ucs: { ...config.ucs, password: shown(config.ucs.password) },
    pascom: { ...config.pascom, password: shown(config.pascom.password) },
  };
}

/** Reads a secret file; undefined when it is missing or unreadable (nothing to scrub then). */
export type ReadSecretFile = (path: string) => string | undefined;

/**
 * Every secret this configuration brings into the process, for the log's redaction list: the
 * resolved passwords, and the contents of the secret files read later per request (single
 * sign-on, the metrics token) and of the machine secret the page may test with. Registered on
 * every start and reload, so a password changed in its file is scrubbed from then on.
 */
export function secretsToRedact(config: Config, machineSecretPath: string, read: ReadSecretFile): string[] {
  const files = [config.http.ssoSecretFile, config.http.metricsTokenFile, machineSecretPath];
  const contents = files.flatMap((path) => {
    const text = path === undefined ? undefined : read(path)?.replace(/[\r\n]+$/, '');
    return text === undefined || text === '' ? [] : [text];
  });
  return [config.ucs.password, config.pascom.password, ...contents].filter((value) => value !== '');
}
