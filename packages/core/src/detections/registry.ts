import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { DetectionHit } from '../schemas/stages.js';
import type { DetectionDefinition, DetectionTrigger, MatchContext } from './define.js';
import { isInformational } from './define.js';
import { AISAWS_ROLE_PATTERN, isAisawsActivity, isAwsServiceActivity, isFailedCall } from './guards.js';

interface DetectOptions extends MatchContext {
  /** Roles whose calls are AISAWS's own (never detected). Defaults to `aisaws-*` roles. */
  readonly selfRolePattern?: RegExp;
}

interface DetectionRegistry {
  readonly all: readonly DetectionDefinition[];
  get(id: string): DetectionDefinition | undefined;
  /** Definitions whose triggers include this eventSource/eventName: the only ones worth running. */
  candidatesFor(eventSource: string, eventName: string): readonly DetectionDefinition[];
  /** Every trigger, merged per eventSource (for the EventBridge pattern and docs). */
  triggersBySource(): ReadonlyMap<string, readonly string[]>;
  /** `userIdentity.type` values some definition runs on for every event (e.g. `Root`); sorted, deduplicated. */
  principalTypes(): readonly string[];
  /** Runs the matching definitions with the shared guards (failed calls, AWS services, AISAWS itself). */
  detect(record: CloudTrailRecord, options?: DetectOptions): DetectionHit[];
}

const NONE: readonly DetectionDefinition[] = Object.freeze([]);
const key = (eventSource: string, eventName: string): string => `${eventSource}\u0000${eventName}`;

/** Builds the registry; throws on a duplicate id so two plugins can never shadow each other. */
function createDetectionRegistry(definitions: readonly DetectionDefinition[]): DetectionRegistry {
  const byId = new Map<string, DetectionDefinition>();
  const byTrigger = new Map<string, DetectionDefinition[]>();
  const byPrincipalType = new Map<string, DetectionDefinition[]>();
  for (const definition of definitions) {
    if (byId.has(definition.id)) throw new Error(`duplicate detection id ${definition.id}`);
    byId.set(definition.id, definition);
    for (const trigger of definition.triggers) {
      for (const eventName of trigger.eventNames) {
        const k = key(trigger.eventSource, eventName);
        const list = byTrigger.get(k) ?? [];
        if (!list.includes(definition)) list.push(definition);
        byTrigger.set(k, list);
      }
    }
    for (const principalType of definition.principalTypes ?? []) {
      const list = byPrincipalType.get(principalType) ?? [];
      list.push(definition);
      byPrincipalType.set(principalType, list);
    }
  }

  /** Trigger candidates plus the definitions that watch this principal type (usually none: no allocation). */
  const candidatesForRecord = (record: CloudTrailRecord): readonly DetectionDefinition[] => {
    const byEvent = candidatesFor(record.eventSource, record.eventName);
    if (byPrincipalType.size === 0) return byEvent;
    const type = record.userIdentity?.type;
    const byType = type === undefined ? undefined : byPrincipalType.get(type);
    if (!byType) return byEvent;
    if (byEvent.length === 0) return byType;
    return [...byEvent, ...byType.filter((definition) => !byEvent.includes(definition))];
  };

  const candidatesFor = (eventSource: string, eventName: string) =>
    byTrigger.get(key(eventSource, eventName)) ?? NONE;

  return {
    all: Object.freeze([...definitions]),
    get: (id) => byId.get(id),
    candidatesFor,
    triggersBySource() {
      const merged = new Map<string, Set<string>>();
      for (const definition of definitions)
        for (const trigger of definition.triggers as readonly DetectionTrigger[]) {
          const names = merged.get(trigger.eventSource) ?? new Set<string>();
          for (const name of trigger.eventNames) names.add(name);
          merged.set(trigger.eventSource, names);
        }
      return new Map([...merged].map(([source, names]) => [source, [...names].sort()]));
    },
    principalTypes: () => [...byPrincipalType.keys()].sort(),
    detect(record, options = {}) {
      const candidates = candidatesForRecord(record);
      if (candidates.length === 0) return [];
      if (isAwsServiceActivity(record)) return [];
      if (isAisawsActivity(record, options.selfRolePattern ?? AISAWS_ROLE_PATTERN)) return [];
      const failed = isFailedCall(record);
      const hits: DetectionHit[] = [];
      for (const definition of candidates) {
        if (failed && !definition.matchesFailures) continue;
        const match = definition.match(record, options);
        if (!match) continue;
        const severity = match.severity ?? definition.severity;
        const playbook = match.playbook === undefined ? definition.playbook : match.playbook;
        hits.push({
          id: definition.id,
          title: definition.title,
          category: definition.category,
          mitre: [...definition.mitre],
          severity,
          summary: failed ? `Attempt failed (${record.errorCode}): ${match.summary}` : match.summary,
          resource: match.resource,
          playbook,
          // An informational hit never drives a fix, even when the definition has a playbook for its serious cases.
          actionable:
            !failed && playbook !== null && match.resource !== null && !isInformational({ severity }),
          evidence: { ...(match.evidence ?? {}) },
        });
      }
      return hits.sort((a, b) => b.severity - a.severity);
    },
  };
}

export type { DetectionRegistry, DetectOptions };
export { createDetectionRegistry };
