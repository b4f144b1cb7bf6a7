/**
 * Published AWS prices, US East (N. Virginia), on-demand, first pricing tier, no free tier: every figure the cost
 * model multiplies by. One table, each line with the page it comes from. Read on 2026-12-04 from the pages below
 * (AWS changes prices rarely but does change them: check the pages before quoting a figure).
 */

const PRICES_CHECKED_ON = '2026-12-04';
const PRICE_REGION = 'us-east-1';

interface Price {
  /** USD per unit. */
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

const AWS_PRICES = {
  lambdaRequest: {
    usd: 0.2 / 1_000_000,
    unit: 'request',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second (Arm, first 7.5 billion GB-s a month)',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  stepFunctionsStandardTransition: {
    usd: 0.025 / 1000,
    unit: 'state transition (Standard; retries count)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  stepFunctionsExpressRequest: {
    usd: 1.0 / 1_000_000,
    unit: 'Express execution',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  stepFunctionsExpressGbSecond: {
    usd: 0.00001667,
    unit: 'GB-second of Express duration (100 ms steps, 64 MB chunks; first 1,000 GB-hours)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  dynamoWriteRequestUnit: {
    usd: 0.625 / 1_000_000,
    unit: 'write request unit (on-demand, 1 KB)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoReadRequestUnit: {
    usd: 0.125 / 1_000_000,
    unit: 'read request unit (on-demand, 4 KB strongly consistent)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  s3PutRequest: {
    usd: 0.005 / 1000,
    unit: 'PUT/COPY/POST/LIST request (S3 Standard)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  s3GetRequest: {
    usd: 0.0004 / 1000,
    unit: 'GET request (S3 Standard)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  snsPublish: {
    usd: 0.5 / 1_000_000,
    unit: 'Publish request (standard topic; 64 KB chunks)',
    source: 'https://aws.amazon.com/sns/pricing/',
  },
  snsEmailDelivery: {
    usd: 2.0 / 100_000,
    unit: 'e-mail notification delivered',
    source: 'https://aws.amazon.com/sns/pricing/',
  },
  sqsRequest: {
    usd: 0.4 / 1_000_000,
    unit: 'request (standard queue, 64 KB chunks)',
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  eventBridgeAwsServiceEvent: {
    usd: 0,
    unit: 'AWS service event (CloudTrail management event) on the default bus, rule match included',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
} as const satisfies Record<string, Price>;

type PriceName = keyof typeof AWS_PRICES;

export type { Price, PriceName };
export { AWS_PRICES, PRICE_REGION, PRICES_CHECKED_ON };
