/** The config module: one schema, one loader, one writer. */
export {
  configSchema,
  KEY_CATALOG,
  parsePool,
  DEFAULT_USER_FILTER,
  DEFAULT_SCHEDULE,
  DEFAULT_APPCENTER_DIR,
  DEFAULT_SSO_SECRET_FILE,
} from './schema.js';
export type { Config, ConfigFile } from './schema.js';
export { rolesOf, toExtensionRule, toSyncRules } from './sync-rules.js';
export { TRANSFORMS, POLICIES, sourceProblem } from './mapping-schema.js';
export { loadConfig, locateConfigFile } from './load.js';
export type { ConfigSources, LoadOptions, LoadResult } from './load.js';
export { formatConfigErrors } from './issues.js';
export type { ConfigError } from './issues.js';
export { redactConfig, secretsToRedact, type ReadSecretFile } from './secrets.js';
export type { SecretSource } from './secrets.js';
export { parseYaml, validateConfig } from './validate.js';
export { setPassword, updateConfigFile, writeConfigFile, writeFileAtomic } from './write.js';
export type { AtomicWriteDeps, UpdateOptions } from './write.js';
export { MACHINE_SECRET_PATH, UCS_CA_PATH, applyContainerDefaults } from './container-defaults.js';
