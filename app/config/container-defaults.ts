/**
 * Inside a UCS App Center container, missing `ucs.*` values come from the container's
 * environment: url, baseDn, bindDn, the machine secret, and — when the UCS CA is mounted —
 * caFile and StartTLS. Pure: the caller passes env and whether the UCS CA exists.
 */
export const MACHINE_SECRET_PATH = '/etc/machine.secret';
export const UCS_CA_PATH = '/etc/univention/ssl/ucsCA/CAcert.pem';
const DEFAULT_LDAP_PORT = '7389';

export interface ContainerContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the container's machine password lives. Default `/etc/machine.secret`. */
  readonly machineSecretPath: string;
  /** The UCS CA certificate; used as `ucs.caFile` only when `ucsCaExists`. */
  readonly ucsCaPath: string;
  readonly ucsCaExists: boolean;
}

export interface ContainerDefaults {
  /** The raw config with the defaults filled in (a copy; the input is not changed). */
  readonly raw: Record<string, unknown>;
  /** Dotted keys taken from the container, e.g. `ucs.url`. */
  readonly taken: readonly string[];
}

function envValue(env: ContainerContext['env'], name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function containerValues(ctx: ContainerContext): Record<string, string | undefined> {
  const server = envValue(ctx.env, 'LDAP_SERVER_NAME');
  const port = envValue(ctx.env, 'LDAP_SERVER_PORT') ?? DEFAULT_LDAP_PORT;
  return {
    url: server === undefined ? undefined : `ldap://${server}:${port}`,
    baseDn: envValue(ctx.env, 'LDAP_BASE'),
    bindDn: envValue(ctx.env, 'LDAP_HOSTDN'),
    caFile: ctx.ucsCaExists ? ctx.ucsCaPath : undefined,
  };
}

export function applyContainerDefaults(raw: Record<string, unknown>, ctx: ContainerContext): ContainerDefaults {
  const given = raw['ucs'];
  if (given !== undefined && !isPlainObject(given)) return { raw, taken: [] };
  const ucs: Record<string, unknown> = { ...given };
  const taken: string[] = [];
  for (const [key, value] of Object.entries(containerValues(ctx))) {
    if (ucs[key] !== undefined || value === undefined) continue;
    ucs[key] = value;
    taken.push(`ucs.${key}`);
  }
  // The container's own LDAP server has a certificate signed by the UCS CA (UCS serves StartTLS on
  // 7389): with that CA at hand, passwords (the machine secret, admins' at the login form, the
  // authentication test's) never cross the Docker network in clear. A file that sets starttls wins.
  if (taken.includes('ucs.url') && ctx.ucsCaExists && ucs['starttls'] === undefined) {
    ucs['starttls'] = true;
    taken.push('ucs.starttls');
  }
  // The machine secret belongs to LDAP_HOSTDN only: never pair it with another bind DN.
  const hostDn = envValue(ctx.env, 'LDAP_HOSTDN');
  const noSecret = ucs['password'] === undefined && ucs['passwordFile'] === undefined;
  if (noSecret && hostDn !== undefined && ucs['bindDn'] === hostDn) {
    ucs['passwordFile'] = ctx.machineSecretPath;
    taken.push('ucs.passwordFile');
  }
  if (given === undefined && taken.length === 0) return { raw, taken };
  return { raw: { ...raw, ucs }, taken };
}
