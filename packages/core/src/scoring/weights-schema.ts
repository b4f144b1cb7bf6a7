import * as z from 'zod';
import { FEATURE_NAMES } from '../features/features.js';

/**
 * The logistic model's parameters and where they come from. `scripts/fit-scoring-model.ts` writes them; the
 * schema is strict so that a weights file fitted for another feature set is refused with the names at fault.
 */

const MetricsSchema = z.strictObject({
  examples: z.number().int().nonnegative(),
  positives: z.number().int().nonnegative(),
  logLoss: z.number().nonnegative(),
  auc: z.number().min(0).max(1),
  /** Accuracy with the score thresholded at 0.5. */
  accuracy: z.number().min(0).max(1),
  /** Recall and false-positive rate at the policy's default MEDIUM threshold (0.4). */
  recallAtMedium: z.number().min(0).max(1),
  falsePositiveRateAtMedium: z.number().min(0).max(1),
});

const DatasetProvenanceSchema = z.strictObject({
  name: z.string().min(1),
  /** Upstream repository and the commit the copy was read from (datasets README). */
  source: z.string().min(1),
  commit: z.string().min(1),
  /** How each record got its label. */
  labelling: z.string().min(1),
  positives: z.number().int().nonnegative(),
  negatives: z.number().int().nonnegative(),
});

const ConstraintProvenanceSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  /** The logit the constraint asks for, and the worst-case logit the final weights give. */
  requiredLogit: z.number(),
  achievedLogit: z.number(),
  /** The constraint moved the weights during the fit (it was binding). */
  binding: z.boolean(),
});

const ProvenanceSchema = z.strictObject({
  fittedAt: z.string().min(1),
  generator: z.string().min(1),
  method: z.string().min(1),
  hyperparameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  split: z.string().min(1),
  datasets: z.array(DatasetProvenanceSchema).min(1),
  constraints: z.array(ConstraintProvenanceSchema),
  metrics: z.strictObject({ train: MetricsSchema, heldOut: MetricsSchema }),
  notes: z.array(z.string()),
});

const featureNames = new Set<string>(FEATURE_NAMES);

const ScoringWeightsSchema = z
  .strictObject({
    modelId: z.string().min(1),
    version: z.string().min(1),
    bias: z.number(),
    weights: z.record(z.string(), z.number()),
    provenance: ProvenanceSchema,
  })
  .superRefine((value, ctx) => {
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
  });

type ScoringWeights = z.infer<typeof ScoringWeightsSchema>;
type ScoringMetrics = z.infer<typeof MetricsSchema>;
type WeightsProvenance = z.infer<typeof ProvenanceSchema>;

export type { ScoringMetrics, ScoringWeights, WeightsProvenance };
export { ScoringWeightsSchema };
