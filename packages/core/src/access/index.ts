export type { Cidr } from './cidr.js';
export { isWorldCidr, parseCidr, sameCidr, WORLD_IPV4_PREFIX, WORLD_IPV6_PREFIX } from './cidr.js';
export type { PublicStatement } from './public-policy.js';
export {
  awsPrincipals,
  closesAllow,
  hasNarrowingCondition,
  isAllow,
  isPublicStatement,
  NARROWING_KEYS,
  publicStatements,
} from './public-policy.js';
