import { isFindingEvent } from '@aisaws/core/findings';
import { CloudTrailEventBridgeEventSchema } from '@aisaws/core/schemas';
import * as z from 'zod';

/** Where an input value sits: its file, its line (JSON Lines) and/or its index (arrays, `Records`). */
interface InputLocation {
  readonly file: string;
  readonly line?: number;
  readonly index?: number;
}

/**
 * A JSON object that should be one CloudTrail record (checked later against CloudTrailRecordSchema), or, when
 * `finding` is set, one GuardDuty / Security Hub finding: `export` an element of `{"Findings": [...]}` (as `aws
 * guardduty get-findings` or `aws securityhub get-findings` print it), `event` a whole EventBridge finding event.
 */
interface CandidateItem {
  readonly kind: 'candidate';
  readonly value: Record<string, unknown>;
  readonly location: InputLocation;
  readonly finding?: 'export' | 'event';
  /** The record's own JSON text, when asked for and the record is a whole line of JSON Lines (a worker sends it on). */
  readonly text?: string;
}

/** An input that cannot be an event; reported with its location, and the scan goes on. */
interface InputErrorItem {
  readonly kind: 'error';
  readonly error: string;
  readonly location: InputLocation;
  readonly eventId?: string;
  readonly eventName?: string;
  /** The file or folder could not be read at all (permissions, I/O): the scan is incomplete. */
  readonly readFailure?: boolean;
}

type InputItem = CandidateItem | InputErrorItem;

/** The envelope without its detail: the detail is parsed as a record by the scan, once. */
const EnvelopeSchema = z.looseObject({ ...CloudTrailEventBridgeEventSchema.shape, detail: z.unknown() });

const describeType = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'object'
        ? 'an object'
        : `a ${typeof value}`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parse option that keeps the input in issues, so a missing field can be told from a wrong type. */
const REPORT_INPUT = { reportInput: true } as const;

/** One zod issue in plain words: a missing required field says so instead of "received undefined". */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined) {
    return `is missing (expected ${issue.expected})`;
  }
  return issue.message;
}

/**
 * `field: problem` for each zod issue, joined: the error names the field at fault. Parse with
 * `{ reportInput: true }` so that a missing field reads as such.
 */
function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      const problem = describeIssue(issue);
      if (path === '') return problem;
      return problem.startsWith('is missing') ? `${path} ${problem}` : `${path}: ${problem}`;
    })
    .join('; ');
}

/** An EventBridge envelope → its CloudTrail `detail`, or an error naming the envelope field at fault. */
function unwrapEnvelope(value: Record<string, unknown>, location: InputLocation): InputItem {
  const envelope = EnvelopeSchema.safeParse(value, REPORT_INPUT);
  if (!envelope.success) {
    return { kind: 'error', error: `invalid EventBridge event: ${describeIssues(envelope.error)}`, location };
  }
  const detail = envelope.data.detail;
  if (!isObject(detail)) {
    return {
      kind: 'error',
      error: `invalid EventBridge event: detail must be an object, got ${describeType(detail)}`,
      location,
    };
  }
  return { kind: 'candidate', value: detail, location };
}

/** One element of an array or `Records`: an object is a candidate; an envelope is opened; anything else is an error. */
function unwrapElement(value: unknown, location: InputLocation, text?: string): InputItem {
  if (!isObject(value)) {
    return {
      kind: 'error',
      error: `expected a CloudTrail record (a JSON object), got ${describeType(value)}`,
      location,
    };
  }
  if ('detail-type' in value)
    return isFindingEvent(value)
      ? { kind: 'candidate', value, location, finding: 'event' }
      : unwrapEnvelope(value, location);
  return text === undefined
    ? { kind: 'candidate', value, location }
    : { kind: 'candidate', value, location, text };
}

/**
 * One parsed JSON document (a whole file, or one line of JSON Lines) → its event candidates, appended to `into` in
 * order: `{"Records": [...]}` (CloudTrail log file), `{"Findings": [...]}` (a GuardDuty or Security Hub findings
 * export), a JSON array of records or envelopes, an EventBridge envelope (its `detail`; a finding event whole), or a
 * single record. (Appends rather than yields: this runs once per input line.) `text`, the document's own JSON text (a
 * line), is kept on the record when the document is one (`CandidateItem.text`).
 */
function unwrapDocument(
  document: unknown,
  location: InputLocation,
  into: { push(item: InputItem): unknown },
  text?: string,
): void {
  if (Array.isArray(document)) {
    for (let index = 0; index < document.length; index++) {
      into.push(unwrapElement(document[index], { ...location, index }));
    }
    return;
  }
  if (isObject(document) && 'Records' in document) {
    const records = document.Records;
    if (!Array.isArray(records)) {
      // A whole-file document has neither line nor index: the error points at its first line.
      const where =
        location.line === undefined && location.index === undefined ? { ...location, line: 1 } : location;
      into.push({
        kind: 'error',
        error: `Records must be an array, got ${describeType(records)}`,
        location: where,
      });
      return;
    }
    for (let index = 0; index < records.length; index++) {
      into.push(unwrapElement(records[index], { ...location, index }));
    }
    return;
  }
  if (isObject(document) && 'Findings' in document) {
    const findings = document.Findings;
    if (!Array.isArray(findings)) {
      const where =
        location.line === undefined && location.index === undefined ? { ...location, line: 1 } : location;
      into.push({
        kind: 'error',
        error: `Findings must be an array, got ${describeType(findings)}`,
        location: where,
      });
      return;
    }
    for (let index = 0; index < findings.length; index++) {
      const finding = findings[index];
      const at = { ...location, index };
      into.push(
        isObject(finding)
          ? { kind: 'candidate', value: finding, location: at, finding: 'export' }
          : {
              kind: 'error',
              error: `expected a finding (a JSON object), got ${describeType(finding)}`,
              location: at,
            },
      );
    }
    return;
  }
  into.push(unwrapElement(document, location, text));
}

export type { CandidateItem, InputErrorItem, InputItem, InputLocation };
export { describeIssues, isObject, REPORT_INPUT, unwrapDocument, unwrapElement };
