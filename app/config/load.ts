/**
 * `loadConfig()`: finds config.yaml, validates it once and returns `Config` or every error
 *. The caller passes the environment in; nothing reads `process.env` later.
 */
import { access, readFile as fsReadFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { MACHINE_SECRET_PATH, UCS_CA_PATH } from './container-defaults.js';
import type { ConfigError } from './issues.js';
import type { Config, ConfigFile } from './schema.js';
import { resolveSecret } from './secrets.js';
import type { ReadFile, SecretSource } from './secrets.js';
import { parseYaml, validateConfig } from './validate.js';

export interface LoadOptions {
  /** `--config PATH` from the command line, when given. */
  readonly path?: string | undefined;
  /** The process environment, passed in once (`process.env` at the composition root). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a UTF-8 file. Default: node:fs. */
  readonly readFile?: ReadFile;
  /** Whether a file exists and is readable. Default: node:fs `access`. */
  readonly fileExists?: (path: string) => Promise<boolean>;
  /** Base of relative paths. Default: `process.cwd()` (read here, once). */
  readonly cwd?: string;
  /** The UCS container's machine password file. Default `/etc/machine.secret`. */
  readonly machineSecretPath?: string;
  /** The UCS CA certificate. Default `/etc/univention/ssl/ucsCA/CAcert.pem`. */
  readonly ucsCaPath?: string;
}

export interface ConfigSources {
  /** Which rule chose the file: `--config`, `$PASCOM_CONNECTOR_CONFIG` or `<dataDir>/config.yaml`. */
  readonly chosenBy: string;
  /** Dotted keys filled from the UCS container environment, e.g. `ucs.url`. */
  readonly container: readonly string[];
  /** Where each password came from (never the password itself). */
  readonly secrets: { readonly ucs: SecretSource; readonly pascom: SecretSource };
}

export type LoadResult =
  | { readonly ok: true; readonly config: Config; readonly path: string; readonly sources: ConfigSources }
  | { readonly ok: false; readonly errors: ConfigError[]; readonly path?: string | undefined };

const SEARCH_ORDER =
  '--config PATH, else $PASCOM_CONNECTOR_CONFIG, else <dataDir>/config.yaml (dataDir = $PASCOM_CONNECTOR_DATA_DIR or ./data)';

/** Where the config file is, in the documented search order (--config, $PASCOM_CONNECTOR_CONFIG, <dataDir>/config.yaml), absolute. */
export function locateConfigFile(
  options: Pick<LoadOptions, 'path' | 'env'>,
  cwd: string,
): { path: string; chosenBy: string } {
  const fromEnv = options.env['PASCOM_CONNECTOR_CONFIG'];
  if (options.path !== undefined && options.path !== '')
    return { path: resolve(cwd, options.path), chosenBy: '--config' };
  if (fromEnv !== undefined && fromEnv !== '')
    return { path: resolve(cwd, fromEnv), chosenBy: '$PASCOM_CONNECTOR_CONFIG' };
  const dataDir = options.env['PASCOM_CONNECTOR_DATA_DIR'];
  const dir = dataDir === undefined || dataDir === '' ? './data' : dataDir;
  return { path: resolve(cwd, join(dir, 'config.yaml')), chosenBy: '<dataDir>/config.yaml' };
}

async function defaultFileExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function readError(path: string, chosenBy: string, error: unknown): ConfigError {
  const code = error instanceof Error && 'code' in error ? String(error.code) : String(error);
  if (code === 'ENOENT') {
    return {
      path: '',
      message: `no configuration file at ${path} (chosen by ${chosenBy}; looked for ${SEARCH_ORDER}). Copy config.example.yaml there to start.`,
    };
  }
  return { path: '', message: `cannot read the configuration file ${path} (${code})` };
}

/** The file's relative paths made absolute, so later code never depends on the working directory. */
function absolutePaths(config: ConfigFile, cwd: string): ConfigFile {
  const abs = (path: string): string => (isAbsolute(path) ? path : resolve(cwd, path));
  const opt = (path: string | undefined): string | undefined => (path === undefined ? undefined : abs(path));
  return {
    ...config,
    dataDir: abs(config.dataDir),
    ucs: { ...config.ucs, caFile: opt(config.ucs.caFile), passwordFile: opt(config.ucs.passwordFile) },
    pascom: { ...config.pascom, caFile: opt(config.pascom.caFile), passwordFile: opt(config.pascom.passwordFile) },
    listener: { ...config.listener, appcenterDir: abs(config.listener.appcenterDir) },
    http: {
      ...config.http,
      ssoSecretFile: abs(config.http.ssoSecretFile),
      metricsTokenFile: opt(config.http.metricsTokenFile),
    },
  };
}

async function missingCaFiles(config: ConfigFile, exists: (path: string) => Promise<boolean>): Promise<ConfigError[]> {
  const errors: ConfigError[] = [];
  for (const [key, file] of [
    ['ucs.caFile', config.ucs.caFile],
    ['pascom.caFile', config.pascom.caFile],
  ] as const) {
    if (file !== undefined && !(await exists(file)))
      errors.push({ path: key, message: `${key}: ${JSON.stringify(file)} does not exist or cannot be read` });
  }
  return errors;
}

export async function loadConfig(options: LoadOptions): Promise<LoadResult> {
  const cwd = options.cwd ?? process.cwd();
  const readFile = options.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));
  const exists = options.fileExists ?? defaultFileExists;
  const { path, chosenBy } = locateConfigFile(options, cwd);
  let text: string;
  try {
    text = await readFile(path);
  } catch (error) {
    return { ok: false, errors: [readError(path, chosenBy, error)], path };
  }
  const parsed = parseYaml(text, path);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, path };
  const ucsCaPath = options.ucsCaPath ?? UCS_CA_PATH;
  const ctx = {
    env: options.env,
    machineSecretPath: options.machineSecretPath ?? MACHINE_SECRET_PATH,
    ucsCaPath,
    ucsCaExists: await exists(ucsCaPath),
  };
  const validated = validateConfig(parsed.doc.toJS(), ctx);
  if (!validated.ok) return { ok: false, errors: validated.errors, path };
  const file = absolutePaths(validated.value, cwd);
  const ucs = await resolveSecret('ucs', file.ucs, readFile);
  const pascom = await resolveSecret('pascom', file.pascom, readFile);
  const errors = [
    ...(ucs.ok ? [] : [ucs.error]),
    ...(pascom.ok ? [] : [pascom.error]),
    ...(await missingCaFiles(file, exists)),
  ];
  if (!ucs.ok || !pascom.ok || errors.length > 0) return { ok: false, errors, path };
  const config: Config = {
    ...file,
    ucs: { ...file.ucs, password: ucs.password },
    pascom: { ...file.pascom, password: pascom.password },
  };
  return {
    ok: true,
    config,
    path,
    sources: { chosenBy, container: validated.container, secrets: { ucs: ucs.source, pascom: pascom.source } },
  };
}
