import * as z from 'zod/mini';
import '../zod-english.js';
import { FEATURE_NAMES } from '../features/features.js';

/**
 * The logistic model's parameters and where they come from. `scripts/fit-scoring-model.ts` writes them; the
 * schema is strict so that a weights file fitted for another feature set is refused with the names at fault.
 */

const MetricsSchema = z.strictObject({
  examples: z.number().check(z.int(), z.nonnegative()),
  positives: z.number().check(z.int(), z.nonnegative()),
  logLoss: z.number().check(z.nonnegative()),
  auc: z.number().check(z.gte(0), z.lte(1)),
  /** Accuracy with the score thresholded at 0.5. */
  accuracy: z.number().check(z.gte(0), z.lte(1)),
  /** Recall and false-positive rate at the policy's default MEDIUM threshold (0.4). */
  recallAtMedium: z.number().check(z.gte(0), z.lte(1)),
  falsePositiveRateAtMedium: z.number().check(z.gte(0), z.lte(1)),
});

const DatasetProvenanceSchema = z.strictObject({
  name: z.string().check(z.minLength(1)),
  /** Upstream repository and the commit the copy was read from (datasets README). */
  source: z.string().check(z.minLength(1)),
  commit: z.string().check(z.minLength(1)),
  /** How each record got its label. */
  labelling: z.string().check(z.minLength(1)),
  positives: z.number().check(z.int(), z.nonnegative()),
  negatives: z.number().check(z.int(), z.nonnegative()),
});

const ConstraintProvenanceSchema = z.strictObject({
  name: z.string().check(z.minLength(1)),
  description: z.string().check(z.minLength(1)),
  /** The logit the constraint asks for, and the worst-case logit the final weights give. */
  requiredLogit: z.number(),
  achievedLogit: z.number(),
  /** The constraint moved the weights during the fit (it was binding). */
  binding: z.boolean(),
});

const ProvenanceSchema = z.strictObject({
  fittedAt: z.string().check(z.minLength(1)),
  generator: z.string().check(z.minLength(1)),
  method: z.string().check(z.minLength(1)),
  hyperparameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  split: z.string().check(z.minLength(1)),
  datasets: z.array(DatasetProvenanceSchema).check(z.minLength(1)),
  constraints: z.array(ConstraintProvenanceSchema),
  metrics: z.strictObject({ train: MetricsSchema, heldOut: MetricsSchema }),
  notes: z.array(z.string()),
});

const featureNames = new Set<string>(FEATURE_NAMES);

const ScoringWeightsSchema = z
  .strictObject({
    modelId: z.string().check(z.minLength(1)),
    version: z.string().check(z.minLength(1)),
    bias: z.number(),
    weights: z.record(z.string(), z.number()),
    provenance: ProvenanceSchema,
  })
  .check(
    z.superRefine((value, ctx) => {
      for (const name of Object.keys(value.weights))
        if (!featureNames.has(name))
          ctx.addIssue({ code: 'custom', path: ['weights', name], message: `unknown feature ${name}` });
      for (const name of FEATURE_NAMES)
        if (!(name in value.weights))
          ctx.addIssue({
            code: 'custom',
            path: ['weights', name],
            message: `missing weight for feature ${name}`,
          });
    }),
  );

type ScoringWeights = z.infer<typeof ScoringWeightsSchema>;
type ScoringMetrics = z.infer<typeof MetricsSchema>;
type WeightsProvenance = z.infer<typeof ProvenanceSchema>;

export type { ScoringMetrics, ScoringWeights, WeightsProvenance };
export { ScoringWeightsSchema };
