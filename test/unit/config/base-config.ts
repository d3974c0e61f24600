/** A minimal valid config.yaml for tests, and a way to vary it with YAML snippets. */
import { parse } from 'yaml';
import type { ContainerContext } from '../../../app/config/container-defaults.js';

export const BASE_YAML = `
ucs:
  url: ldap://ucs.example.intranet:7389
  baseDn: dc=example,dc=intranet
  bindDn: cn=pascom,cn=computers,dc=example,dc=intranet
  password: ucs-secret
pascom:
  url: https://pbx.example.com
  instance: acme
  password: pascom-secret
`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges `patch` into `base`; lists and scalars replace; null stays null (reads as "absent"). */
export function merge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) result[key] = merge(base[key], value);
  return result;
}

/** The base config with a YAML snippet merged in, as the loader would see it. */
export function rawWith(snippet: string): unknown {
  return merge(parse(BASE_YAML), parse(snippet) ?? {});
}

export function context(env: Record<string, string | undefined> = {}, ucsCaExists = false): ContainerContext {
  return {
    env,
    machineSecretPath: '/etc/machine.secret',
    ucsCaPath: '/etc/univention/ssl/ucsCA/CAcert.pem',
    ucsCaExists,
  };
}
