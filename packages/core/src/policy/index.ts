export type { DecideContext } from './decide.js';
export { decide, levelFor, primaryDetection } from './decide.js';
export { firstMatchingGlob, globToRegExp } from './glob.js';
export type { DetectionMode, ParsePolicyOptions, Policy, PolicyInput, PolicyIssue } from './schema.js';
export {
  DEFAULT_POLICY,
  DetectionModeSchema,
  PolicyError,
  PolicySchema,
  parsePolicy,
  selfRoleArnsOf,
} from './schema.js';
