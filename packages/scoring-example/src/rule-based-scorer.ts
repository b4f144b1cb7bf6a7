import type { FeatureContribution, IngestedEvent, RiskAssessment } from '@aisaws/core/schemas';
import { observationOf, type Scorer, type ScoringContext } from '@aisaws/core/scoring';

/**
 * A transparent rule-based scorer: every rule that fires adds a fixed amount, the explanation lists each rule with
 * its contribution, and the score is their sum clipped to [0, 1]. Written to show the Scorer seam, not to compete
 * with the default model.
 */

const MODEL = Object.freeze({ id: 'example-rules', version: '1.0.0' });

/** Tooling seen in attacks and red-team runs (lower-cased substrings of the user agent). */
const OFFENSIVE_USER_AGENTS = [
  'kali',
  'parrot',
  'pentoo',
  'pacu',
  'stratus-red-team',
  'cloudfox',
  'weirdaal',
];

const RULES = Object.freeze({
  rootActor: 0.15,
  noMfa: 0.1,
  offensiveUserAgent: 0.2,
  newSourceIp: 0.05,
});

function offensiveAgentOf(userAgent: string | undefined): string | undefined {
  const agent = userAgent?.toLowerCase();
  return agent === undefined ? undefined : OFFENSIVE_USER_AGENTS.find((needle) => agent.includes(needle));
}

async function scoreByRules(event: IngestedEvent, context: ScoringContext): Promise<RiskAssessment> {
  const { summary, detections } = event;
  const snapshot = await context.baseline.observe(observationOf(event));
  const contributions: FeatureContribution[] = [];

  const top = detections.reduce((max, hit) => Math.max(max, hit.severity), 0);
  contributions.push({
    feature: 'max-detection-severity',
    value: top,
    contribution: top,
    description:
      detections.length === 0
        ? 'no detection matched'
        : `most severe of: ${detections.map((d) => d.id).join(', ')}`,
  });
  if (summary.actor.type === 'Root')
    contributions.push({
      feature: 'root-actor',
      value: 1,
      contribution: RULES.rootActor,
      description: 'the root user acted',
    });
  if (summary.actor.mfa === false)
    contributions.push({
      feature: 'no-mfa',
      value: 1,
      contribution: RULES.noMfa,
      description: 'session without MFA',
    });
  const agent = offensiveAgentOf(summary.userAgent);
  if (agent)
    contributions.push({
      feature: 'offensive-user-agent',
      value: 1,
      contribution: RULES.offensiveUserAgent,
      description: `user agent contains "${agent}"`,
    });
  if (snapshot.principalSeenBefore && !snapshot.ipSeenBefore)
    contributions.push({
      feature: 'new-source-ip',
      value: 1,
      contribution: RULES.newSourceIp,
      description: `first call of this principal from ${summary.sourceIp}`,
    });

  const subtotal = contributions.reduce((sum, c) => sum + c.contribution, 0);
  if (summary.errorCode)
    contributions.push({
      feature: 'failed-call',
      value: 1,
      contribution: -subtotal / 2,
      description: `the call failed (${summary.errorCode}): nothing changed, the score is halved`,
    });

  const raw = contributions.reduce((sum, c) => sum + c.contribution, 0);
  return {
    score: Math.min(1, Math.max(0, raw)),
    model: { ...MODEL },
    explanation: contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)),
  };
}

const exampleScorer: Scorer = Object.freeze({ ...MODEL, score: scoreByRules });

export { exampleScorer, OFFENSIVE_USER_AGENTS, RULES };
