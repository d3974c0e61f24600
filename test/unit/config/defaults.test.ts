import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING, DEFAULT_ROLES } from '../../../app/core/default-mapping.js';
import { validateConfig } from '../../../app/config/validate.js';
import type { ConfigFile } from '../../../app/config/schema.js';
import { toExtensionRule, toSyncRules } from '../../../app/config/schema.js';
import { context, rawWith } from './base-config.js';

function valid(snippet = ''): ConfigFile {
  const result = validateConfig(rawWith(snippet), context());
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.value;
}

describe('configSchema defaults', () => {
  it.each([
    ['ucs.starttls', (c: ConfigFile) => c.ucs.starttls, false],
    ['ucs.tlsVerify', (c: ConfigFile) => c.ucs.tlsVerify, true],
    ['ucs.disabledUsers', (c: ConfigFile) => c.ucs.disabledUsers, 'remove'],
    ['ucs.timeoutMs', (c: ConfigFile) => c.ucs.timeoutMs, 10_000],
    [
      'ucs.userFilter',
      (c: ConfigFile) => c.ucs.userFilter,
      '(&(univentionObjectType=users/user)(mobydickActivated=TRUE))',
    ],
    ['pascom.user', (c: ConfigFile) => c.pascom.user, 'moby'],
    ['pascom.tlsVerify', (c: ConfigFile) => c.pascom.tlsVerify, true],
    ['pascom.timeoutMs', (c: ConfigFile) => c.pascom.timeoutMs, 10_000],
    ['pascom.concurrency', (c: ConfigFile) => c.pascom.concurrency, 8],
    ['pascom.api', (c: ConfigFile) => c.pascom.api, { listCap: 100 }],
    ['pascom.delivery', (c: ConfigFile) => c.pascom.delivery, 'identity'],
    ['pascom.connectorPushIntervalMs', (c: ConfigFile) => c.pascom.connectorPushIntervalMs, 1000],
    ['extensions.digits', (c: ConfigFile) => c.extensions.digits, undefined],
    ['extensions.phonePrefix', (c: ConfigFile) => c.extensions.phonePrefix, undefined],
    ['extensions.pool', (c: ConfigFile) => c.extensions.pool, undefined],
    ['deletes.mode', (c: ConfigFile) => c.deletes.mode, 'delete'],
    ['deletes.maxPerRun', (c: ConfigFile) => c.deletes.maxPerRun, 10],
    ['auth.ucs', (c: ConfigFile) => c.auth.ucs, true],
    ['listener.mode', (c: ConfigFile) => c.listener.mode, 'auto'],
    [
      'listener.appcenterDir',
      (c: ConfigFile) => c.listener.appcenterDir,
      '/var/lib/univention-appcenter/apps/pascom-connector/data/listener',
    ],
    ['listener.pollIntervalMs', (c: ConfigFile) => c.listener.pollIntervalMs, 5000],
    ['schedule', (c: ConfigFile) => c.schedule, '0 3 * * *'],
    ['http.port', (c: ConfigFile) => c.http.port, 8080],
    ['http.host', (c: ConfigFile) => c.http.host, '0.0.0.0'],
    ['http.basePath', (c: ConfigFile) => c.http.basePath, '/pascom-connector'],
    ['http.adminGroup', (c: ConfigFile) => c.http.adminGroup, 'Domain Admins'],
    [
      'http.ssoSecretFile',
      (c: ConfigFile) => c.http.ssoSecretFile,
      '/var/lib/univention-appcenter/apps/pascom-connector/conf/sso.secret',
    ],
    ['http.trustProxy', (c: ConfigFile) => c.http.trustProxy, 'loopback, gateway'],
    ['dataDir', (c: ConfigFile) => c.dataDir, './data'],
    ['log.level', (c: ConfigFile) => c.log.level, 'info'],
  ])('defaults %s', (_key, read, expected) => {
    expect(read(valid())).toEqual(expected);
  });

  it('uses the default mapping when the file has none', () => {
    expect(valid().mapping).toEqual(DEFAULT_MAPPING);
  });

  it('renames the default login rule to the field named in pascom.api.fields', () => {
    const config = valid('pascom: {api: {fields: {login: login_name}}}');
    expect(config.mapping.filter((rule) => rule.field === 'login_name')).toHaveLength(1);
    expect(config.mapping.some((rule) => rule.field === DEFAULT_ROLES.login)).toBe(false);
  });

  it('reads "schedule:" with nothing after it as off', () => {
    expect(valid('schedule: null').schedule).toBe('');
  });

  it('accepts an empty schedule string as off', () => {
    expect(valid('schedule: ""').schedule).toBe('');
  });

  it('accepts a six-field cron expression with seconds', () => {
    expect(valid('schedule: "*/30 * * * * *"').schedule).toBe('*/30 * * * * *');
  });

  it('takes dataDir from $PASCOM_CONNECTOR_DATA_DIR when the file has none', () => {
    const result = validateConfig(rawWith(''), context({ PASCOM_CONNECTOR_DATA_DIR: '/srv/pc' }));
    expect(result.ok && result.value.dataDir).toBe('/srv/pc');
  });

  it('lets the file dataDir win over $PASCOM_CONNECTOR_DATA_DIR', () => {
    const result = validateConfig(rawWith('dataDir: /var/pc'), context({ PASCOM_CONNECTOR_DATA_DIR: '/srv/pc' }));
    expect(result.ok && result.value.dataDir).toBe('/var/pc');
  });
});

describe('mapping rules', () => {
  const login = '{field: 003use_name, source: uid}';

  it('reads "source" as shorthand for a one-element "sources"', () => {
    expect(valid(`mapping: [${login}]`).mapping[0]?.sources).toEqual(['uid']);
  });

  it('fills transforms, required and policy with their defaults', () => {
    expect(valid(`mapping: [${login}]`).mapping[0]).toEqual({
      field: '003use_name',
      sources: ['uid'],
      transforms: [],
      required: false,
      policy: 'force',
    });
  });

  it('keeps a rule default value', () => {
    const rule = valid(`mapping: [${login}, {field: 003use_auth_method, source: authMethod, default: EXTERN}]`)
      .mapping[1];
    expect(rule?.default).toBe('EXTERN');
  });

  it('accepts templates with several placeholders and literal text', () => {
    const rule = valid(`mapping: [${login}, {field: 003use_bez, sources: ["{sn}, {givenName} ({uid})"]}]`).mapping[1];
    expect(rule?.sources).toEqual(['{sn}, {givenName} ({uid})']);
  });
});

describe('toSyncRules()', () => {
  it('parses the extension pool into an inclusive range', () => {
    expect(toExtensionRule(valid('extensions: {pool: "100-199", digits: 3}').extensions)).toEqual({
      digits: 3,
      prefixes: [],
      pool: { from: 100, to: 199 },
    });
  });

  it('accepts a pool with spaces around the dash', () => {
    expect(valid('extensions: {pool: " 200 - 250 "}').extensions.pool).toEqual({ from: 200, to: 250 });
  });

  it('treats an empty pool as no pool', () => {
    expect(toExtensionRule(valid('extensions: {pool: ""}').extensions).pool).toBeUndefined();
  });

  it('carries deletes, auth, disabled users and roles into the core rules', () => {
    const rules = toSyncRules(
      valid(
        'deletes: {mode: keep, maxPerRun: 0}\nauth: {ucs: false}\nucs: {disabledUsers: sync}\npascom: {api: {fields: {extension: ext}}}',
      ),
    );
    expect(rules.deletes).toEqual({ mode: 'keep', maxPerRun: 0 });
    expect(rules.authExtern).toBe(false);
    expect(rules.disabledUsers).toBe('sync');
    expect(rules.roles).toEqual({ ...DEFAULT_ROLES, extension: 'ext' });
  });
});
