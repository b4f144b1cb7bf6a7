import * as z from 'zod';

/**
 * The `aisaws scan --format json` output contract (DESIGN.md §4): one line per input event, in input order. Either a
 * result (the event was scored and decided) or an error (the input was not a valid event). Fields may be added to
 * these shapes over time; none of the listed ones may be removed.
 */

const UnitIntervalSchema = z.number().min(0).max(1);

/** Where an input event came from: the file, and its line (JSON Lines) and/or its index (arrays, `Records`). */
const ScanSourceSchema = z.strictObject({
  file: z.string().min(1),
  line: z.number().int().positive().optional(),
  index: z.number().int().nonnegative().optional(),
});

const ScanDetectionSchema = z.strictObject({
  id: z.string().min(1),
  severity: UnitIntervalSchema,
  title: z.string().min(1),
  /** What happened to what, in one sentence (added field). */
  summary: z.string(),
});

const ScanResultSchema = z.strictObject({
  eventId: z.string().min(1),
  eventName: z.string().min(1),
  detections: z.array(ScanDetectionSchema),
  risk: z.strictObject({
    score: UnitIntervalSchema,
    level: z.enum(['LOW', 'MEDIUM', 'HIGH']),
    explanation: z.array(z.strictObject({ feature: z.string().min(1), contribution: z.number() })),
  }),
  decision: z.strictObject({
    /** LOG_ONLY: nobody is told; ALERT: a person is told, nothing is fixed; the other two run a fix. */
    action: z.enum(['LOG_ONLY', 'ALERT', 'AUTO_REMEDIATE', 'HUMAN_APPROVAL']),
    reason: z.string().min(1),
  }),
  source: ScanSourceSchema,
});

/**
 * A bad input: invalid JSON, a value that is not an object, a record that fails CloudTrailRecordSchema, an envelope
 * of another kind. `line` for JSON Lines, `index` for arrays and `Records` (both for a `Records` object on one line).
 */
const ScanErrorSchema = z
  .strictObject({
    error: z.string().min(1),
    file: z.string().min(1),
    line: z.number().int().positive().optional(),
    index: z.number().int().nonnegative().optional(),
    /** The record's eventID / eventName when the input had them (helps find it). */
    eventId: z.string().optional(),
    eventName: z.string().optional(),
  })
  .refine((error) => error.line !== undefined || error.index !== undefined, {
    message: 'an error names its line or its index',
  });

/** One line of `--format json` output. */
const ScanLineSchema = z.union([ScanResultSchema, ScanErrorSchema]);

type ScanSource = z.infer<typeof ScanSourceSchema>;
type ScanDetection = z.infer<typeof ScanDetectionSchema>;
type ScanResult = z.infer<typeof ScanResultSchema>;
type ScanError = z.infer<typeof ScanErrorSchema>;
type ScanLine = z.infer<typeof ScanLineSchema>;

export type { ScanDetection, ScanError, ScanLine, ScanResult, ScanSource };
export { ScanDetectionSchema, ScanErrorSchema, ScanLineSchema, ScanResultSchema, ScanSourceSchema };
