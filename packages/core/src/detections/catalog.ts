import { createDetectionRegistry } from './registry.js';
import { s3BucketAclPublic } from './s3.js';

/**
 * The detection catalog: every definition, listed explicitly (no decorators, so a bundler can never drop one).
 * One file per detection family; add new definitions here.
 */
const DETECTIONS = Object.freeze([s3BucketAclPublic]);

const catalog = createDetectionRegistry(DETECTIONS);

export { catalog, DETECTIONS };
