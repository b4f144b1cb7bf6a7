import { catalog } from '../detections/catalog.js';
import type { DetectionRegistry, DetectOptions } from '../detections/registry.js';
import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import { type IngestedEvent, SCHEMA_VERSION } from '../schemas/stages.js';
import { summarize } from './summarize.js';

interface ToIngestedEventOptions {
  readonly receivedAt: string;
  readonly archive?: { bucket: string; key: string } | null;
  readonly registry?: DetectionRegistry;
  readonly detect?: DetectOptions;
}

/** Detect stage, shared by `aisaws scan` and the Ingest Lambda: a parsed record → the Ingest output. */
function toIngestedEvent(record: CloudTrailRecord, options: ToIngestedEventOptions): IngestedEvent {
  const registry = options.registry ?? catalog;
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: record.eventID,
    receivedAt: options.receivedAt,
    summary: summarize(record),
    record,
    detections: registry.detect(record, options.detect),
    archive: options.archive ?? null,
  };
}

export type { ToIngestedEventOptions };
export { toIngestedEvent };
