import { defineDetection } from './define.js';

/** User agents of offensive or secret-scanning tools, as they appear in CloudTrail (S3 wraps them in brackets). */
const TOOL_AGENTS: readonly { pattern: RegExp; tool: string }[] = [
  { pattern: /trufflehog/i, tool: 'TruffleHog' },
  { pattern: /pacu/i, tool: 'Pacu' },
  { pattern: /s3 ?browser/i, tool: 'S3 Browser' },
  { pattern: /cloudsploit|prowler|scoutsuite/i, tool: 'cloud auditing tool' },
];

const reconOffensiveToolUserAgent = defineDetection({
  id: 'recon.offensive-tool-user-agent',
  title: 'Credential check by a secret-scanning or offensive tool',
  category: 'DIS',
  mitre: ['T1087.004', 'T1580'],
  severity: 0.5,
  description:
    'GetCallerIdentity, GetSessionToken, ListBuckets or GetAccountAuthorizationDetails with the user agent of TruffleHog, Pacu, S3 Browser or a cloud auditing tool: a leaked key being tried. Failed calls count.',
  triggers: [
    { eventSource: 'sts.amazonaws.com', eventNames: ['GetCallerIdentity', 'GetSessionToken'] },
    { eventSource: 's3.amazonaws.com', eventNames: ['ListBuckets'] },
    {
      eventSource: 'iam.amazonaws.com',
      eventNames: [
        'GetAccountAuthorizationDetails',
        'ListUsers',
        'CreateLoginProfile',
        'CreateUser',
        'CreateAccessKey',
        'PutUserPolicy',
      ],
    },
  ],
  matchesFailures: true,
  playbook: null,
  match(record) {
    const agent = record.userAgent;
    if (!agent) return null;
    const found = TOOL_AGENTS.find((entry) => entry.pattern.test(agent));
    if (!found) return null;
    const known = found.tool === 'cloud auditing tool';
    return {
      resource: null,
      summary: `${record.eventName} by ${found.tool} (${agent.slice(0, 80)})`,
      severity: known ? 0.2 : 0.5,
      evidence: { userAgent: agent, tool: found.tool },
    };
  },
});

export { reconOffensiveToolUserAgent };
