/**
 * The sync rules as data: the field mapping and the
 * policies the planner applies. The config schema (app/config/schema.ts) validates YAML into
 * exactly these shapes; the core never sees unvalidated input.
 */
import type { PhonePrefix } from './phone-number.js';

/** Value transforms, applied in the order listed. */
export type Transform =
  /** Strip leading/trailing white space and collapse inner runs to one space. */
  | 'trim'
  | 'lowercase'
  | 'uppercase'
  /** Normalise a phone number to `+<cc><digits>` when it has a country code, else digits only. */
  | 'phone'
  /** The internal extension of a phone number (phone-number.ts `extractExtension`, `ExtensionRule`). */
  | 'internalExtension'
  /** Replace characters pascom does not accept in a login (umlauts → ae/oe/ue, ß → ss, others dropped). */
  | 'asciiLogin';

/**
 * How a field is written (lsc's policies):
 * - `force`: pascom always gets the directory's value (the default);
 * - `createOnly`: written when the identity is created, never updated afterwards;
 * - `default`: written only while pascom has no value for the field.
 */
export type FieldPolicy = 'force' | 'createOnly' | 'default';

export interface MappingRule {
  /** The pascom field name, e.g. `003use_bez` or `028pho_mobile`. */
  readonly field: string;
  /**
   * Where the value comes from, tried in order until one yields a non-empty value:
   * an LDAP attribute name (`displayName`) or a template (`{givenName} {sn}`). A template
   * whose placeholders are all empty yields nothing. Multi-valued attributes use the first value.
   */
  readonly sources: readonly string[];
  /** Transforms applied to the chosen value, in order. */
  readonly transforms: readonly Transform[];
  /** Used when no source yields a value. */
  readonly default?: string | undefined;
  /** A user without a value for this field is rejected. */
  readonly required: boolean;
  readonly policy: FieldPolicy;
}

/** Which pascom fields play a role the planner must understand. Overridable by `pascom.api`. */
export interface FieldRoles {
  /** The login (URL key, unique, lowercase only): `003use_name`. */
  readonly login: string;
  /** The display name (required by pascom): `003use_bez`. */
  readonly displayName: string;
  /** The extension (unique): `009ext_extension`. */
  readonly extension: string;
  /** The authentication method: `003use_auth_method`. */
  readonly authMethod: string;
}

export interface ExtensionRule {
  /**
   * `extensions.digits`, only when the admin set it: the old rule that keeps the last `digits`
   * digits of a number (or its `-` suffix when that short). Undefined by default: numbers are
   * never cut (phone-number.ts `extractExtension`).
   */
  readonly digits?: number | undefined;
  /** `extensions.phonePrefix`: the company's base numbers; a number starting with one gives the rest. */
  readonly prefixes?: readonly PhonePrefix[] | undefined;
  /** Numbers handed out when a user has no usable phone number, inclusive: `{from: 100, to: 199}`. */
  readonly pool: { readonly from: number; readonly to: number } | undefined;
}

export interface DeletePolicy {
  /** `delete` removes identities of users who left the filter; `keep` never deletes. */
  readonly mode: 'delete' | 'keep';
  /** A full sync with more deletes than this is blocked until confirmed. */
  readonly maxPerRun: number;
}

/** Everything the planner needs, derived from the validated config. */
export interface SyncRules {
  readonly mapping: readonly MappingRule[];
  readonly roles: FieldRoles;
  readonly extensions: ExtensionRule;
  readonly deletes: DeletePolicy;
  /** `auth.ucs`: identities get `authMethod = EXTERN` (pascom authenticates against UCS). */
  readonly authExtern: boolean;
  /** What to do with a user UCS marks disabled: `remove` treats them as not enabled (default), `sync` ignores the flag. */
  readonly disabledUsers: 'remove' | 'sync';
}
