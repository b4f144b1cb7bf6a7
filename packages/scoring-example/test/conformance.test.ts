import { describeScorerConformance } from '@aisaws/testing/conformance';
import { exampleScorer } from '../src/index.js';

describeScorerConformance('scoring-example exampleScorer', () => exampleScorer);
