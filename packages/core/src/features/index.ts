export type { ErrorClass, IdentityClass, SourceIpClass, UserAgentFamily } from './classify.js';
export {
  classifyError,
  classifyIdentity,
  classifySourceIp,
  classifyUserAgent,
  isDeniedError,
  isOffensiveUserAgent,
  isReadOnlyCall,
  unwrapUserAgent,
} from './classify.js';
export type { FeatureName, FeatureVector } from './features.js';
export {
  extractFeatures,
  FEATURE_DESCRIPTIONS,
  FEATURE_NAMES,
  FEATURES,
  quietEventKey,
  quietFeatureKey,
  quietFeatureKeyOf,
} from './features.js';
