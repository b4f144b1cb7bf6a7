import { FINDING_DETAIL_TYPES } from '@aisaws/core/findings';
import type { EventRuleSpec } from './rules.js';

/**
 * The rules that route GuardDuty and Security Hub findings into the same triage workflow as CloudTrail events.
 * They let through every finding AISAWS may answer (a fix, or an alert at MEDIUM and above) and already drop at
 * EventBridge what Ingest would never act on and can tell from the pattern: archived GuardDuty findings, GuardDuty
 * sample findings, archived or already resolved/suppressed Security Hub findings, and AISAWS's own findings (so the
 * findings AISAWS publishes never come back in). Ingest checks the same rules again (and sample ASFF findings, which
 * the pattern cannot exclude without also dropping findings that lack the attribute).
 */
function buildFindingRules(): EventRuleSpec[] {
  const [guardDutyType, securityHubType] = FINDING_DETAIL_TYPES;
  return [
    {
      id: 'guardduty-findings',
      description: 'AISAWS: GuardDuty findings (not archived, not sample)',
      pattern: {
        source: ['aws.guardduty'],
        'detail-type': [guardDutyType],
        detail: {
          service: { archived: [false], additionalInfo: { sample: [{ exists: false }] } },
        },
      },
      state: 'ENABLED',
    },
    {
      id: 'securityhub-findings',
      description: 'AISAWS: Security Hub findings (active, new or notified, not published by AISAWS)',
      pattern: {
        source: ['aws.securityhub'],
        'detail-type': [securityHubType],
        detail: {
          findings: {
            RecordState: ['ACTIVE'],
            Workflow: { Status: ['NEW', 'NOTIFIED'] },
            ProductName: [{ 'anything-but': ['AISAWS'] }],
          },
        },
      },
      state: 'ENABLED',
    },
  ];
}

export { buildFindingRules };
