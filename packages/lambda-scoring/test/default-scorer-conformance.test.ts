import { defaultScorer } from '@aisaws/core/scoring';
import { describeScorerConformance } from '@aisaws/testing/conformance';

// The scorer this Lambda deploys must satisfy the Scorer contract.
describeScorerConformance('lambda-scoring defaultScorer', () => defaultScorer);
