/**
 * The one schema of config.yaml. The `Config` type is derived from it; every
 * field documents its unit, default and caveats. Relative paths are
 * resolved against the working directory by the loader, which also returns them absolute.
 */
import { z } from 'zod';
import { validate as isValidCron } from 'node-cron';
import { DEFAULT_ROLES } from '../core/default-mapping.js';
import { extensionsShape } from './extensions-schema.js';
import { defaultMappingFor, mappingProblems, mappingRuleSchema, mappingRuleShape } from './mapping-schema.js';
import { show } from './show.js';
import { rolesOf } from './sync-rules.js';

export const DEFAULT_USER_FILTER = '(&(univentionObjectType=users/user)(mobydickActivated=TRUE))';
export const DEFAULT_APPCENTER_DIR = '/var/lib/univention-appcenter/apps/pascom-connector/data/listener';
export const DEFAULT_SSO_SECRET_FILE = '/var/lib/univention-appcenter/apps/pascom-connector/conf/sso.secret';
export const DEFAULT_SCHEDULE = '0 3 * * *';

const nonEmpty = z.string().min(1);
const fsPath = z.string().min(1);
const timeoutMs = z.number().int().min(100).max(600_000).default(10_000);

const ldapUrl = z
  .string()
  .regex(/^ldaps?:\/\/[^\s/]+/i, { error: (iss) => `${show(iss.input)} is not an ldap:// or ldaps:// URL` });
const httpUrl = z.string().refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), {
  error: (iss) => `${show(iss.input)} is not an http:// or https:// URL`,
});

/** Balanced parentheses around the whole filter; the LDAP server checks the rest. */
export function looksLikeFilter(value: string): boolean {
  let depth = 0;
  for (const [index, char] of [...value].entries()) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (depth < 0 || (depth === 0 && index < value.length - 1)) return false;
  }
  return depth === 0 && value.startsWith('(');
}

/** A section's secret: `password` or `passwordFile`, exactly one (checked by `secretPair`). */
function secretPair(section: string) {
  return (value: { password?: string | undefined; passwordFile?: string | undefined }, ctx: z.RefinementCtx): void => {
    if (value.password !== undefined && value.passwordFile !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'has both password and passwordFile (expected one of them)' });
    }
    if (value.password === undefined && value.passwordFile === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `needs password or passwordFile (e.g. passwordFile: /etc/pascom-connector/${section}.secret)`,
      });
    }
  };
}

export const ucsShape = {
  /** LDAP server, `ldap://host:port` or `ldaps://host:port`. In a UCS container: `ldap://$LDAP_SERVER_NAME:$LDAP_SERVER_PORT` (port default 7389). */
  url: ldapUrl,
  /**
   * Upgrade an `ldap://` connection with StartTLS. Not allowed with `ldaps://`. Default false; in
   * a UCS container true when `url` comes from the container's environment and the UCS CA exists.
   */
  starttls: z.boolean().default(false),
  /** PEM file of the CA that signed the LDAP server's certificate. Default: the UCS CA `/etc/univention/ssl/ucsCA/CAcert.pem` when that file exists. */
  caFile: fsPath.optional(),
  /** Verify the server certificate (TLS verified by default). Default true; false is for tests only. */
  tlsVerify: z.boolean().default(true),
  /** Search base, e.g. `dc=example,dc=intranet`. In a UCS container: `$LDAP_BASE`. */
  baseDn: nonEmpty,
  /** DN of the computer account the connector binds as. In a UCS container: `$LDAP_HOSTDN`. */
  bindDn: nonEmpty,
  /** Bind password (secret). Prefer `passwordFile`. In a UCS container the default is `/etc/machine.secret` when `bindDn` is the container's own account. */
  password: nonEmpty.optional(),
  /** File holding the bind password; one trailing newline is ignored. Give `password` or `passwordFile`, not both. */
  passwordFile: fsPath.optional(),
  /** LDAP filter selecting pascom-enabled users. Default: `(&(univentionObjectType=users/user)(mobydickActivated=TRUE))`. */
  userFilter: z
    .string()
    .refine(looksLikeFilter, {
      error: (iss) => `${show(iss.input)} is not an LDAP filter (expected one parenthesised filter such as "(uid=*)")`,
    })
    .default(DEFAULT_USER_FILTER),
  /** UCS users marked disabled: `remove` treats them as not enabled (default), `sync` ignores the flag. */
  disabledUsers: z.enum(['remove', 'sync']).default('remove'),
  /** Timeout of one LDAP operation, in milliseconds (100–600000). Default 10000. */
  timeoutMs,
};

const ucsSchema = z
  .strictObject(ucsShape)
  .superRefine(secretPair('ucs'))
  .superRefine((ucs, ctx) => {
    if (ucs.starttls && /^ldaps:/i.test(ucs.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['starttls'],
        message: `true cannot be combined with ${show(ucs.url)} (ldaps:// is already TLS; use ldap:// for StartTLS)`,
      });
    }
  });

export const apiPathsShape = {
  /** List identities. Default `identity/`. */
  list: nonEmpty.optional(),
  /** Get one identity; `{login}` is replaced. Default `identity/{login}`. */
  get: nonEmpty.optional(),
  /** Create an identity. Default `identity/`. */
  create: nonEmpty.optional(),
  /** Update an identity; `{login}` is replaced. Default `identity/{login}`. */
  update: nonEmpty.optional(),
  /** Delete an identity; `{login}` is replaced. Default `identity/{login}`. */
  delete: nonEmpty.optional(),
  /** Connector mode: push the managed set as CSV; `{profile}` is replaced. Default `connector/{profile}/push`. */
  push: nonEmpty.optional(),
  /** `POST` after each batch of writes, for an instance whose writes take effect only then. Default none (no apply step). */
  apply: nonEmpty.optional(),
};

export const apiFieldsShape = {
  /** Login field. Default `003use_name`. */
  login: nonEmpty.optional(),
  /** Display name field. Default `003use_bez`. */
  displayName: nonEmpty.optional(),
  /** Extension field. Default `009ext_extension`. */
  extension: nonEmpty.optional(),
  /** Authentication method field. Default `003use_auth_method`. */
  authMethod: nonEmpty.optional(),
  /** Where phonebook entries nest in the wire body. Default `post.phonebook`. */
  phonebookPath: nonEmpty.optional(),
  /** Prefix marking phonebook fields in a flat record. Default `028pho_`. */
  phonebookPrefix: nonEmpty.optional(),
};

const queryParam = z.string().regex(/^[A-Za-z0-9_.-]+$/, {
  error: (iss) => `${show(iss.input)} is not a query parameter name (expected letters, digits, "_", "." or "-")`,
});

export const apiPagingShape = {
  /** Query parameter for the page length, as the instance's REST documentation names it (e.g. `limit`). */
  limitParam: queryParam,
  /** Query parameter for the first entry of a page (e.g. `offset`). */
  offsetParam: queryParam,
  /** Identities per page (1–10000). Default 100. */
  pageSize: z.number().int().min(1).max(10_000).default(100),
};

export const apiShape = {
  /** Overrides of the endpoint paths, relative to `{url}/{instance}/services/`. */
  paths: z.strictObject(apiPathsShape).optional(),
  /** Overrides of the field names. */
  fields: z.strictObject(apiFieldsShape).optional(),
  /** Read the identity list page by page with these query parameters. Default none (one request). */
  paging: z.strictObject(apiPagingShape).optional(),
  /**
   * Without paging, a list exactly this long may be cut off (pascom's other lists stop at 100):
   * a full sync then stops instead of planning from it. 0 turns the check off. Default 100.
   */
  listCap: z.number().int().min(0).default(100),
};

export const pascomShape = {
  /** Base URL of the pascom server, `https://pbx.example.com` (the cloud: `https://pascom.cloud`). */
  url: httpUrl,
  /** Instance name, the first path segment before `/services`. */
  instance: z.string().regex(/^[A-Za-z0-9._-]+$/, {
    error: (iss) => `${show(iss.input)} is not an instance name (expected letters, digits, ".", "_" or "-")`,
  }),
  /** REST user (HTTP Basic). Default `moby`. */
  user: nonEmpty.default('moby'),
  /** REST password (secret), generated in pascom. Prefer `passwordFile`. */
  password: nonEmpty.optional(),
  /** File holding the REST password; one trailing newline is ignored. Give `password` or `passwordFile`, not both. */
  passwordFile: fsPath.optional(),
  /** PEM file of an extra CA for pascom's certificate. Default: the system CAs. */
  caFile: fsPath.optional(),
  /** Verify pascom's certificate. Default true; false is for tests only. */
  tlsVerify: z.boolean().default(true),
  /** Timeout of one HTTP request, in milliseconds (100–600000). Default 10000. */
  timeoutMs,
  /** Requests to pascom in flight at once (1–64). Default 8. */
  concurrency: z.number().int().min(1).max(64).default(8),
  /** Optional overrides of paths and field names, to match an instance's own REST documentation. Default `{}`. */
  api: z.strictObject(apiShape).prefault({}),
  /**
   * How changes reach pascom: `identity` (REST identity calls, per user) or `connector` (the whole
   * managed set as CSV to a pascom connector profile). Default `identity`.
   */
  delivery: z.enum(['identity', 'connector']).default('identity'),
  /** Connector mode: name of the pascom connector profile ("Users from CSV") the CSV is pushed to. Default none. */
  connectorProfile: z
    .string()
    .regex(/^[^/?#\s][^/?#]*$/, {
      error: (iss) => `${show(iss.input)} is not a connector profile name (no "/", "?" or "#")`,
    })
    .optional(),
  /** Connector mode: changes are gathered into at most one push per this many milliseconds (100–600000). Default 1000. */
  connectorPushIntervalMs: z.number().int().min(100).max(600_000).default(1000),
};

const pascomSchema = z
  .strictObject(pascomShape)
  .superRefine(secretPair('pascom'))
  .superRefine((pascom, ctx) => {
    if (pascom.delivery === 'connector' && pascom.connectorProfile === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['connectorProfile'],
        message: 'is required when delivery is "connector" (the name of the pascom connector profile to push to)',
      });
    }
  });

export const deletesShape = {
  /** `delete` removes identities of users who left the filter (default); `keep` never deletes. */
  mode: z.enum(['delete', 'keep']).default('delete'),
  /** A full sync with more deletes than this is blocked until confirmed (integer ≥ 0). Default 10. */
  maxPerRun: z.number().int().min(0).default(10),
};

export const authShape = {
  /** pascom authenticates users against UCS: identities get `authMethod = EXTERN`. Default true. */
  ucs: z.boolean().default(true),
};

export const listenerShape = {
  /** Change source: `auto` (default) probes syncrepl, then translog, then App Center files, then polling. */
  mode: z.enum(['auto', 'syncrepl', 'translog', 'appcenter', 'poll']).default('auto'),
  /** Directory of the App Center listener files. Default `/var/lib/univention-appcenter/apps/pascom-connector/data/listener`. */
  appcenterDir: fsPath.default(DEFAULT_APPCENTER_DIR),
  /** Interval of the `poll` source, in milliseconds (≥ 100). Default 5000. */
  pollIntervalMs: z.number().int().min(100).default(5000),
  /**
   * Live sync starts only after the first full Import (default true): on a fresh install the admin
   * reviews a Simulate and runs Import before anything is pushed to pascom. false: start at once.
   */
  startAfterFirstImport: z.boolean().default(true),
  /** TCP port of the Univention Directory Notifier on the `ucs.url` host (translog mode). Default 6669. */
  notifierPort: z.number().int().min(1).max(65_535).default(6669),
};

const CRON_HINT = '(minute hour day-of-month month day-of-week, e.g. "0 3 * * *")';
const scheduleSchema = z
  .string()
  .refine((value) => value.trim() === '' || isValidCron(value), {
    error: (iss) => `${show(iss.input)} is not a valid cron expression ${CRON_HINT}`,
  })
  .transform((value) => value.trim())
  .default(DEFAULT_SCHEDULE);

const basePath = z.string().refine((value) => /^\/[^\s?#]*$/.test(value) && !value.endsWith('/'), {
  error: (iss) =>
    `${show(iss.input)} is not a URL path (expected it to start with "/" and not end with "/", e.g. "/pascom-connector")`,
});

export const httpShape = {
  /** TCP port of the admin page (1–65535). Default 8080. */
  port: z.number().int().min(1).max(65_535).default(8080),
  /** Address to listen on. Default `0.0.0.0` (the container's published port). */
  host: nonEmpty.default('0.0.0.0'),
  /** Path prefix the page is served under; the UCS Apache forwards it unchanged. Default `/pascom-connector`. */
  basePath: basePath.default('/pascom-connector'),
  /** Name of the UCS group whose members may use the admin page; builds the default of `adminGroupDn`. Default `Domain Admins`. */
  adminGroup: nonEmpty.default('Domain Admins'),
  /**
   * DN of the one group whose members (direct or through nested groups) may use the admin page.
   * Default `cn=<adminGroup>,cn=groups,<LDAP base>`, where UCS keeps its groups. A group of the
   * same name elsewhere in the tree grants nothing.
   */
  adminGroupDn: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]*=.+/, {
      error: (iss) =>
        `${show(iss.input)} is not a DN (expected e.g. "cn=Domain Admins,cn=groups,dc=example,dc=intranet")`,
    })
    .optional(),
  /** HMAC secret shared with the UMC module for single sign-on, written by the join script. Default `/var/lib/univention-appcenter/apps/pascom-connector/conf/sso.secret`. */
  ssoSecretFile: fsPath.default(DEFAULT_SSO_SECRET_FILE),
  /**
   * Whose X-Forwarded-* headers are believed (express `trust proxy`: true, false, a hop count, or
   * addresses/subnets and the names `loopback`, `linklocal`, `uniquelocal`), plus the name
   * `gateway`: the container's default gateway, which is where the UCS Apache's App Center proxy
   * reaches the container from (it proxies to `127.0.0.1:<published port>` on the Docker host).
   * Default `"loopback, gateway"`: only that hop. A client on the LAN that reaches the published
   * port directly cannot forge its address. `true` trusts everyone.
   */
  trustProxy: z
    .union([z.boolean(), z.number().int().min(0), nonEmpty], {
      error: (iss) =>
        `${show(iss.input)} is not a trust proxy setting (expected true, false, a hop count or addresses such as "loopback, gateway")`,
    })
    .default('loopback, gateway'),
  /**
   * Further origins allowed to frame the page (CSP frame-ancestors), e.g. `https://ucs.example.com`
   * when the UMC is reached under another name. The page itself and, inside UCS, the host
   * `https://$DOCKER_HOST_NAME.$DOMAINNAME` are always allowed. Default none.
   */
  frameAncestors: z
    .array(
      z.string().regex(/^https?:\/\/[^\s/'";]+$/, {
        error: (iss) => `${show(iss.input)} is not an origin (expected e.g. "https://ucs.example.com")`,
      }),
    )
    .default([]),
  /**
   * File holding a bearer token for `/metrics` (Prometheus: `authorization: {credentials_file: …}`);
   * one trailing newline is ignored. Without it, `/metrics` answers only a signed-in administrator's
   * session. Default none.
   */
  metricsTokenFile: fsPath.optional(),
};

export const logShape = {
  /** Lowest level written: `error`, `warn`, `info` (default) or `debug`. */
  level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
};

export const rootShape = {
  /** SQLite state and logs. Default `$PASCOM_CONNECTOR_DATA_DIR`, else `./data`; returned absolute. */
  dataDir: fsPath.default('./data'),
  ucs: ucsSchema,
  pascom: pascomSchema,
  extensions: z.strictObject(extensionsShape).prefault({}),
  /** Field mapping, rule by rule. Default: app/core/default-mapping.ts (with `pascom.api.fields` names). */
  mapping: z.array(mappingRuleSchema).optional(),
  deletes: z.strictObject(deletesShape).prefault({}),
  auth: z.strictObject(authShape).prefault({}),
  listener: z.strictObject(listenerShape).prefault({}),
  /** Full sync schedule (node-cron syntax, 5 or 6 fields); empty = off. Default `0 3 * * *`. */
  schedule: scheduleSchema,
  http: z.strictObject(httpShape).prefault({}),
  log: z.strictObject(logShape).prefault({}),
};

export const configSchema = z
  .strictObject(rootShape)
  .superRefine((config, ctx) => {
    if (config.mapping === undefined) return;
    for (const [index, message] of mappingProblems(config.mapping, rolesOf(config.pascom.api.fields).login)) {
      ctx.addIssue({ code: 'custom', path: index === undefined ? ['mapping'] : ['mapping', index, 'field'], message });
    }
  })
  .transform((config) => ({
    ...config,
    mapping: config.mapping ?? defaultMappingFor(rolesOf(config.pascom.api.fields), DEFAULT_ROLES),
  }));

/** The validated file, defaults applied; secrets may still be file references. */
export type ConfigFile = z.output<typeof configSchema>;

/** The configuration the app runs with: `ConfigFile` with both passwords resolved (secret: see `redactConfig`). */
export type Config = Omit<ConfigFile, 'ucs' | 'pascom'> & {
  readonly ucs: ConfigFile['ucs'] & { readonly password: string };
  readonly pascom: ConfigFile['pascom'] & { readonly password: string };
};

/** Valid keys per section, for "unknown key … did you mean"; `[]` stands for any list index. */
export const KEY_CATALOG: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(rootShape),
  ucs: Object.keys(ucsShape),
  pascom: Object.keys(pascomShape),
  'pascom.api': Object.keys(apiShape),
  'pascom.api.paths': Object.keys(apiPathsShape),
  'pascom.api.fields': Object.keys(apiFieldsShape),
  'pascom.api.paging': Object.keys(apiPagingShape),
  extensions: Object.keys(extensionsShape),
  'mapping[]': Object.keys(mappingRuleShape),
  deletes: Object.keys(deletesShape),
  auth: Object.keys(authShape),
  listener: Object.keys(listenerShape),
  http: Object.keys(httpShape),
  log: Object.keys(logShape),
};

export { rolesOf, toExtensionRule, toSyncRules } from './sync-rules.js';
export { extensionsShape, parsePool } from './extensions-schema.js';
