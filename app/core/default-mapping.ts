/**
 * The seed's mapping table as data. The config file may replace it; the page
 * edits it row by row. Field names are pascom's internal columns.
 */
import type { FieldRoles, MappingRule } from './rules.js';

export const DEFAULT_ROLES: FieldRoles = {
  login: '003use_name',
  displayName: '003use_bez',
  extension: '009ext_extension',
  authMethod: '003use_auth_method',
};

export const DEFAULT_MAPPING: readonly MappingRule[] = [
  // pascom accepts lowercase logins only; UCS preserves case.
  { field: '003use_name', sources: ['uid'], transforms: ['trim', 'lowercase'], required: true, policy: 'force' },
  {
    field: '003use_bez',
    sources: ['displayName', '{givenName} {sn}'],
    transforms: ['trim'],
    required: true,
    policy: 'force',
  },
  // The office number's extension (app/core/phone-number.ts); users without one draw from `extensions.pool`.
  {
    field: '009ext_extension',
    sources: ['telephoneNumber'],
    transforms: ['internalExtension'],
    required: false,
    policy: 'force',
  },
  {
    field: '016voi_email',
    sources: ['mailPrimaryAddress'],
    transforms: ['trim', 'lowercase'],
    required: false,
    policy: 'force',
  },
  // The phonebook entry's display name, as pascom's own connector templates set it.
  {
    field: '028pho_bez',
    sources: ['displayName', '{givenName} {sn}'],
    transforms: ['trim'],
    required: false,
    policy: 'force',
  },
  { field: '028pho_firstname', sources: ['givenName'], transforms: ['trim'], required: false, policy: 'force' },
  { field: '028pho_lastname', sources: ['sn'], transforms: ['trim'], required: false, policy: 'force' },
  {
    field: '028pho_email',
    sources: ['mailPrimaryAddress'],
    transforms: ['trim', 'lowercase'],
    required: false,
    policy: 'force',
  },
  { field: '028pho_homephone', sources: ['homePhone'], transforms: ['phone'], required: false, policy: 'force' },
  { field: '028pho_mobile', sources: ['mobile'], transforms: ['phone'], required: false, policy: 'force' },
];

/** The LDAP attributes a mapping reads, plus what the planner itself needs. */
export const PLANNER_ATTRIBUTES: readonly string[] = ['uid', 'sambaAcctFlags', 'shadowExpire', 'krb5KDCFlags'];
