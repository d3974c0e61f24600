/**
 * The `mapping:` section of config.yaml: rules as data, validated into
 * the core's `MappingRule` shape (app/core/rules.ts).
 */
import { z } from 'zod';
import type { FieldRoles, MappingRule, Transform } from '../core/rules.js';
import { DEFAULT_MAPPING } from '../core/default-mapping.js';
import { show } from './show.js';

/** Every `Transform` of app/core/rules.ts; the type check below fails when the union grows. */
export const TRANSFORMS = [
  'trim',
  'lowercase',
  'uppercase',
  'phone',
  'internalExtension',
  'asciiLogin',
] as const satisfies readonly Transform[];
type MissingTransform = Exclude<Transform, (typeof TRANSFORMS)[number]>;
const _allTransformsListed: [MissingTransform] extends [never] ? true : never = true;

export const POLICIES = ['force', 'createOnly', 'default'] as const;

/** An LDAP attribute descriptor (RFC 4512 `keystring`). */
export const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const TEMPLATE = /^(?:[^{}]|\{[A-Za-z][A-Za-z0-9-]*\})*$/;
const PLACEHOLDER = /\{[A-Za-z][A-Za-z0-9-]*\}/;

/** Why a source expression is unusable, or undefined when it is fine. */
export function sourceProblem(source: string): string | undefined {
  if (source.includes('{') || source.includes('}')) {
    if (TEMPLATE.test(source) && PLACEHOLDER.test(source)) return undefined;
    return `${show(source)} is not a well-formed template (expected placeholders like "{givenName} {sn}")`;
  }
  if (ATTRIBUTE_NAME.test(source)) return undefined;
  return `${show(source)} is not an LDAP attribute name (expected letters, digits and "-", starting with a letter, e.g. "displayName")`;
}

const sourceSchema = z.string().superRefine((value, ctx) => {
  const problem = sourceProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

export const mappingRuleShape = {
  /** The pascom field written, e.g. `003use_bez` or `028pho_mobile`. Unique within the mapping. */
  field: z.string().regex(/^\S+$/, {
    error: (iss) => `${show(iss.input)} is not a pascom field name (expected a non-empty name without spaces)`,
  }),
  /** Shorthand for `sources: [source]`. Give `source` or `sources`, not both. */
  source: sourceSchema.optional(),
  /** Attributes or `{attr}` templates, tried in order until one yields a value. */
  sources: z.array(sourceSchema).min(1).optional(),
  /** Applied in order; names from app/core/rules.ts `Transform`. Default: none. */
  transforms: z.array(z.enum(TRANSFORMS)).default([]),
  /** Used when no source yields a value. Default: none. */
  default: z.string().optional(),
  /** A user without a value is rejected. Default: false. */
  required: z.boolean().default(false),
  /** `force` (default), `createOnly` or `default`, see app/core/rules.ts `FieldPolicy`. */
  policy: z.enum(POLICIES).default('force'),
};

export const mappingRuleSchema = z
  .strictObject(mappingRuleShape)
  .superRefine((rule, ctx) => {
    if (rule.source !== undefined && rule.sources !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'has both "source" and "sources" (expected one of them)' });
    }
    if (rule.source === undefined && rule.sources === undefined) {
      ctx.addIssue({ code: 'custom', message: 'has neither "source" nor "sources" (expected one of them)' });
    }
  })
  .transform((rule): MappingRule => {
    const sources = rule.sources ?? (rule.source === undefined ? [] : [rule.source]);
    const base = {
      field: rule.field,
      sources,
      transforms: rule.transforms,
      required: rule.required,
      policy: rule.policy,
    };
    return rule.default === undefined ? base : { ...base, default: rule.default };
  });

/** Problems of a whole mapping: duplicate fields and the login role, as `[index or undefined, message]`. */
export function mappingProblems(
  rules: readonly MappingRule[],
  loginField: string,
): Array<[number | undefined, string]> {
  const problems: Array<[number | undefined, string]> = [];
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    const first = seen.get(rule.field);
    if (first !== undefined)
      problems.push([
        index,
        `field ${show(rule.field)} is already mapped by mapping[${first}] (expected each field once)`,
      ]);
    else seen.set(rule.field, index);
  });
  const loginRules = rules.filter((rule) => rule.field === loginField).length;
  if (loginRules === 0)
    problems.push([undefined, `has no rule for the login field ${show(loginField)} (expected exactly one)`]);
  return problems;
}

/** The default mapping with the role fields renamed to the instance's own names (`pascom.api.fields`). */
export function defaultMappingFor(roles: FieldRoles, defaults: FieldRoles): MappingRule[] {
  const renamed = new Map<string, string>([
    [defaults.login, roles.login],
    [defaults.displayName, roles.displayName],
    [defaults.extension, roles.extension],
    [defaults.authMethod, roles.authMethod],
  ]);
  return DEFAULT_MAPPING.map((rule) => ({ ...rule, field: renamed.get(rule.field) ?? rule.field }));
}
