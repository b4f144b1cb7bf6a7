import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/**
 * One item the Distributed Map's S3 ItemReader (`arn:aws:states:::s3:listObjectsV2`) gives: the fields of a
 * ListObjectsV2 entry, as Step Functions writes them (`Etag`, `Key`, `LastModified`, `Size`, `StorageClass`).
 */
const ListedObjectItemSchema = z.looseObject({
  Key: z.string().check(z.minLength(1, 'Key is empty')),
  Size: z.optional(z.number().check(z.int(), z.nonnegative())),
});

/**
 * What the backtest Lambda receives from the Map's ItemBatcher: the batch's items and the BatchInput the state
 * machine adds to every batch (the bucket the items were listed from, and the run they belong to).
 */
const BacktestBatchSchema = z.strictObject({
  Items: z.array(ListedObjectItemSchema).check(z.minLength(1, 'a batch has at least one item')),
  BatchInput: z.strictObject({
    /** The CloudTrail bucket the ItemReader listed. */
    bucket: z.string().check(z.minLength(3)),
    /** Names the run's findings folder: the state machine's execution name. */
    runId: z
      .string()
      .check(
        z.regex(
          /^[A-Za-z0-9_-]{1,80}$/,
          'runId must be 1–80 letters, digits, "-" or "_" (an execution name)',
        ),
      ),
  }),
});

type BacktestBatch = z.infer<typeof BacktestBatchSchema>;

const DECISION_ACTIONS = ['LOG_ONLY', 'ALERT', 'AUTO_REMEDIATE', 'HUMAN_APPROVAL'] as const;

/**
 * What one batch reports back (small on purpose: each child's output is kept by the Map, and written to S3 by its
 * ResultWriter). The findings themselves are in `findingsKey`.
 */
const BacktestBatchResultSchema = z.strictObject({
  objects: z.number().check(z.int(), z.nonnegative()),
  /** Objects not read: CloudTrail digest files, folder markers, empty objects. */
  skippedObjects: z.number().check(z.int(), z.nonnegative()),
  /** Objects that could not be read (corrupt gzip, not JSON, too large, gone): one error row each. */
  unreadableObjects: z.number().check(z.int(), z.nonnegative()),
  events: z.number().check(z.int(), z.nonnegative()),
  /** Events with at least one detection (each is a line in the findings object). */
  findings: z.number().check(z.int(), z.nonnegative()),
  /** Error rows (unreadable objects and invalid records), also lines in the findings object. */
  errors: z.number().check(z.int(), z.nonnegative()),
  decisions: z.record(z.enum(DECISION_ACTIONS), z.number().check(z.int(), z.nonnegative())),
  /** `s3://bucket/key` of the JSON Lines written, or null when the batch had nothing to write. */
  findingsObject: z.nullable(z.string()),
});

type BacktestBatchResult = z.infer<typeof BacktestBatchResultSchema>;

export type { BacktestBatch, BacktestBatchResult };
export { BacktestBatchResultSchema, BacktestBatchSchema, DECISION_ACTIONS };
