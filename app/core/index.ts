/** The public API of the pure sync core. */
export type * from './types.js';
export type * from './rules.js';
export type * from './ports.js';
export { DEFAULT_MAPPING, DEFAULT_ROLES, PLANNER_ATTRIBUTES } from './default-mapping.js';
export { attributesForRules, attributesOfSource } from './attributes.js';
export { TRANSFORMS, applyTransforms, type TransformFn } from './transforms.js';
export { firstValue, readSource } from './sources.js';
export { LOGIN_PATTERN, validateLogin } from './login.js';
export { evaluateRule, mapUser, type MappingResult } from './mapping.js';
export { daysSinceEpoch, isDisabled, isLocked } from './disabled.js';
export { allocateExtensions, type ExtensionClaim, type ExtensionOutcome, type TakenExtensions } from './extensions.js';
export { diffRecords, resolveField, type DiffMode, type DiffResult, type PolicyRule } from './diff.js';
export { AUTH_EXTERN, type TakenLogins } from './plan-steps.js';
export { plan, planUser, type PlanInput, type PlanUserInput } from './plan.js';
export {
  causeToJson,
  compareOperations,
  planToJson,
  sortOperations,
  summarize,
  type CauseJson,
  type PlanJson,
} from './plan-output.js';
export { describeHolder, type Holder } from './reasons.js';
export { CAUSE_EXAMPLES, causeHint, causeOf, groupCauses } from './causes.js';
export {
  EMERGENCY_NUMBERS,
  extensionProblem,
  isAllowedExtension,
  poolHasAllowedNumber,
  type ExtensionProblem,
} from './extension-rules.js';
export {
  dialForm,
  extractExtension,
  matchPrefix,
  parsePhonePrefix,
  type DialForm,
  type ExtensionSource,
  type PhonePrefix,
} from './phone-number.js';
