import * as z from 'zod/mini';
import '../zod-english.js';

/**
 * Limits that keep a hostile finding from costing more than a real one. Each is at or above what the service
 * documents (ASFF: Resources ≤ 32, Types ≤ 50; EC2: 16 security groups per interface), so a real finding always fits
 * and an oversized array is refused with a clear error instead of being walked.
 */
const LIMITS = Object.freeze({
  asffResources: 32,
  asffTypes: 50,
  networkInterfaces: 64,
  securityGroupsPerInterface: 16,
  s3Buckets: 64,
  ipPermissions: 256,
  ipRanges: 256,
  findingsPerEvent: 1,
});

/** An ISO-8601 timestamp that parses (GuardDuty writes `2026-11-24T11:45:12.345Z`, ASFF the same or without ms). */
const TimestampSchema = z.string().check(
  z.minLength(1),
  z.maxLength(64),
  z.refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be an ISO-8601 timestamp' }),
);

const AccountIdSchema = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));

export { AccountIdSchema, LIMITS, TimestampSchema };
