import { type DetectionRegistry, isInformational } from '@aisaws/core/detections';

/**
 * The EventBridge rules, generated from the detection catalog: only events some detection cares about reach the
 * triage workflow.
 *
 * One rule per CloudTrail eventSource (not one pattern with an eventSource list and an eventName list): such a
 * pattern matches every listed name from every listed source, e.g. `iam.amazonaws.com` + `PutBucketAcl`, which is
 * harmless for names unique to one service but wrong for shared ones (`CreateTags`, `DeleteTrail`…, and every
 * `Get*` read that would then need the read-only rule state for all sources). One rule per source is exact,
 * keeps each pattern far below the 4096-character limit (long lists are split), lets the read-only state apply
 * only where a read is a trigger, and is what the EventBridge guide recommends (a dedicated rule per event).
 *
 * The patterns match `detail.eventSource` (CloudTrail's own field) and not the exact top-level `source`: `source` is
 * derived from the service (`aws.s3`) with exceptions (`monitoring.amazonaws.com` → `aws.cloudwatch`), and a wrong
 * guess would drop events silently. They do require `source` to start with `aws.`: EventBridge refuses PutEvents
 * with such a source from anyone but AWS, so a member principal cannot push look-alike events that flood triage
 * and quarantine.
 */

const API_CALL = 'AWS API Call via CloudTrail';
const CONSOLE_SIGN_IN = 'AWS Console Sign In via CloudTrail';
const SIGN_IN_SOURCE = 'signin.amazonaws.com';
/** EventBridge's limit on a rule's event pattern. */
const MAX_PATTERN_LENGTH = 4096;

/** STS calls named Get… that change state (EventBridge delivers them without the read-only rule state). */
const NOT_READ_ONLY = new Set(['sts.amazonaws.com GetFederationToken', 'sts.amazonaws.com GetSessionToken']);

type RuleState = 'ENABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** Only AWS services may emit events whose source starts with `aws.` (PutEvents refuses it to everyone else). */
const AWS_SOURCE = [{ prefix: 'aws.' }] as const;

interface EventPattern {
  /** `aws.` prefix on the CloudTrail rules; on the finding rules the exact service (`aws.guardduty`, `aws.securityhub`). */
  readonly source: typeof AWS_SOURCE | readonly string[];
  readonly 'detail-type': readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

interface EventRuleSpec {
  /** Short, stable id used in resource names: `s3`, `iam-2`, `principal-types`. */
  readonly id: string;
  readonly description: string;
  readonly pattern: EventPattern;
  /** EventBridge only delivers read-only (Get/Describe/List) management events to rules in the second state. */
  readonly state: RuleState;
}

/** EventBridge delivers read-only management events (Describe*, Get*, List*) only with the read-only rule state. */
const isReadOnlyEvent = (eventSource: string, eventName: string): boolean =>
  /^(?:Describe|Get|List)/.test(eventName) && !NOT_READ_ONLY.has(`${eventSource} ${eventName}`);

const shortName = (eventSource: string): string =>
  eventSource.replace(/\.amazonaws\.com$/, '').replace(/[^a-z0-9-]/g, '-');

const detailTypesFor = (eventSource: string): string[] =>
  eventSource === SIGN_IN_SOURCE ? [CONSOLE_SIGN_IN] : [API_CALL];

function sourcePattern(eventSource: string, eventNames: readonly string[]): EventPattern {
  return {
    source: AWS_SOURCE,
    'detail-type': detailTypesFor(eventSource),
    detail: { eventSource: [eventSource], eventName: [...eventNames] },
  };
}

/** Splits names into the fewest chunks whose pattern stays within the EventBridge limit. */
function chunkNames(eventSource: string, eventNames: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const name of eventNames) {
    const candidate = [...current, name];
    if (
      current.length > 0 &&
      JSON.stringify(sourcePattern(eventSource, candidate)).length > MAX_PATTERN_LENGTH
    ) {
      chunks.push(current);
      current = [name];
    } else current = candidate;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Whether a trigger is routed live. A read-only event that only informational detections watch (discovery reads such
 * as DescribeSecurityGroups or GetRole, which consoles and Terraform make by the hundred) is not: each would cost a
 * triage execution to record a hit that moves no score and tells nobody. `aisaws scan` and backtests still record
 * them. Changes watched only by informational monitors (CIS 4.x) are routed: they are few and worth the record.
 */
const isRoutedLive = (
  registry: Pick<DetectionRegistry, 'candidatesFor'>,
  eventSource: string,
  eventName: string,
): boolean =>
  !isReadOnlyEvent(eventSource, eventName) ||
  registry.candidatesFor(eventSource, eventName).some((definition) => !isInformational(definition));

function buildEventRules(
  registry: Pick<DetectionRegistry, 'triggersBySource' | 'principalTypes' | 'candidatesFor'>,
): EventRuleSpec[] {
  const rules: EventRuleSpec[] = [];
  const bySource = [...registry.triggersBySource()]
    .map(
      ([eventSource, names]) =>
        [eventSource, names.filter((name) => isRoutedLive(registry, eventSource, name))] as const,
    )
    .filter(([, names]) => names.length > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  for (const [eventSource, eventNames] of bySource) {
    const chunks = chunkNames(eventSource, eventNames);
    chunks.forEach((names, index) => {
      rules.push({
        id: chunks.length === 1 ? shortName(eventSource) : `${shortName(eventSource)}-${index + 1}`,
        description: `AISAWS triggers from ${eventSource}: ${names.join(', ')}`.slice(0, 512),
        pattern: sourcePattern(eventSource, names),
        state: names.some((name) => isReadOnlyEvent(eventSource, name))
          ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'
          : 'ENABLED',
      });
    });
  }
  const principalTypes = registry.principalTypes();
  if (principalTypes.length > 0)
    rules.push({
      id: 'principal-types',
      description: `AISAWS: every call by a ${principalTypes.join(' or ')} principal`,
      pattern: {
        source: AWS_SOURCE,
        'detail-type': [API_CALL, CONSOLE_SIGN_IN],
        detail: { userIdentity: { type: [...principalTypes] } },
      },
      // Such detections watch every call of the principal, reads included.
      state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    });
  return rules;
}

export type { EventPattern, EventRuleSpec, RuleState };
export {
  API_CALL,
  AWS_SOURCE,
  buildEventRules,
  CONSOLE_SIGN_IN,
  isReadOnlyEvent,
  isRoutedLive,
  MAX_PATTERN_LENGTH,
};
