import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { DetectionHit } from '../schemas/stages.js';
import type { DetectionDefinition, DetectionTrigger, MatchContext } from './define.js';
import { isInformational } from './define.js';
import { isAisawsActivity, isAwsServiceActivity, isFailedCall } from './guards.js';

interface DetectOptions extends MatchContext {
  /**
   * The exact ARNs of the roles AISAWS deployed: sessions of these roles are AISAWS's own calls, never detected
   * (trap T7). Absent or empty: no call is treated as AISAWS's own.
   */
  readonly selfRoleArns?: ReadonlySet<string>;
}

interface DetectionRegistry {
  readonly all: readonly DetectionDefinition[];
  get(id: string): DetectionDefinition | undefined;
  /** Definitions whose triggers include this eventSource/eventName: the only ones worth running. */
  candidatesFor(eventSource: string, eventName: string): readonly DetectionDefinition[];
  /**
   * Whether any definition could run on a record with these fields (its trigger, or its `userIdentity.type`):
   * when none can, `detect` returns no hit whatever else the record holds. Asked before a record is parsed, so it
   * takes the raw values (anything that is not a string matches nothing).
   */
  hasCandidates(eventSource: unknown, eventName: unknown, principalType: unknown): boolean;
  /** Every trigger, merged per eventSource (for the EventBridge pattern and docs). */
  triggersBySource(): ReadonlyMap<string, readonly string[]>;
  /** `userIdentity.type` values some definition runs on for every event (e.g. `Root`); sorted, deduplicated. */
  principalTypes(): readonly string[];
  /** Runs the matching definitions with the shared guards (failed calls, AWS services, AISAWS itself). */
  detect(record: CloudTrailRecord, options?: DetectOptions): DetectionHit[];
}

const NONE: readonly DetectionDefinition[] = Object.freeze([]);

/** Builds the registry; throws on a duplicate id so two plugins can never shadow each other. */
function createDetectionRegistry(definitions: readonly DetectionDefinition[]): DetectionRegistry {
  const byId = new Map<string, DetectionDefinition>();
  // eventSource → eventName → definitions: two lookups of the record's own strings, no key built per record.
  const byTrigger = new Map<string, Map<string, DetectionDefinition[]>>();
  const byPrincipalType = new Map<string, DetectionDefinition[]>();
  for (const definition of definitions) {
    if (byId.has(definition.id)) throw new Error(`duplicate detection id ${definition.id}`);
    byId.set(definition.id, definition);
    for (const trigger of definition.triggers) {
      const byName = byTrigger.get(trigger.eventSource) ?? new Map<string, DetectionDefinition[]>();
      byTrigger.set(trigger.eventSource, byName);
      for (const eventName of trigger.eventNames) {
        const list = byName.get(eventName) ?? [];
        if (!list.includes(definition)) list.push(definition);
        byName.set(eventName, list);
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

  const candidatesFor = (eventSource: string, eventName: string): readonly DetectionDefinition[] =>
    byTrigger.get(eventSource)?.get(eventName) ?? NONE;

  return {
    all: Object.freeze([...definitions]),
    get: (id) => byId.get(id),
    candidatesFor,
    hasCandidates(eventSource, eventName, principalType) {
      if (typeof principalType === 'string' && byPrincipalType.has(principalType)) return true;
      if (typeof eventSource !== 'string' || typeof eventName !== 'string') return false;
      return byTrigger.get(eventSource)?.has(eventName) === true;
    },
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
      if (options.selfRoleArns !== undefined && isAisawsActivity(record, options.selfRoleArns)) return [];
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
