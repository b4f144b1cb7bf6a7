import { AwsThrottledError } from '@aisaws/lambda-runtime';
import { asffSchemaErrors } from '@aisaws/testing/schemas';
import { publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
  ThrottlingException,
} from '@aws-sdk/client-securityhub';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createFindingsHandler } from '../src/create-findings-handler.js';
import { parseFindingsEnv } from '../src/env.js';
import { FindingNotImportedError } from '../src/errors.js';
import { securityHubOf } from '../src/security-hub.js';

const ACCOUNT = '999988887777';
const REGION = 'eu-west-1';
const PRODUCT_ARN = `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`;
const NOW = new Date('2026-12-05T03:00:00Z');
const securityHubMock = mockClient(SecurityHubClient);

const handler = () =>
  createFindingsHandler({
    securityHub: securityHubOf(new SecurityHubClient({ region: REGION })),
    account: ACCOUNT,
    region: REGION,
    clock: { now: () => NOW },
  });

beforeEach(() => {
  securityHubMock.reset();
  securityHubMock
    .on(BatchImportFindingsCommand)
    .resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
  securityHubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
});

describe('Findings Lambda: decisions upserted in Security Hub', () => {
  it('imports one ASFF finding of the custom product, valid against the ASFF schema, then sets its workflow status', async () => {
    // Prepare
    const event = publicBucketDecidedEvent();
    // Act
    const result = await handler()({ schemaVersion: 1, outcome: 'VERIFIED', event });
    // Assess
    const imports = securityHubMock.commandCalls(BatchImportFindingsCommand);
    expect(imports).toHaveLength(1);
    const [finding] = imports[0]?.args[0].input.Findings ?? [];
    expect(asffSchemaErrors(finding)).toEqual([]);
    expect(finding).toMatchObject({
      Id: `aisaws/${event.eventId}`,
      ProductArn: PRODUCT_ARN,
      AwsAccountId: ACCOUNT,
      GeneratorId: event.decision.detectionId,
      UpdatedAt: NOW.toISOString(),
      Workflow: { Status: 'RESOLVED' },
      Compliance: { Status: 'PASSED' },
    });
    const updates = securityHubMock.commandCalls(BatchUpdateFindingsCommand);
    expect(updates.map((call) => call.args[0].input)).toEqual([
      {
        FindingIdentifiers: [{ Id: `aisaws/${event.eventId}`, ProductArn: PRODUCT_ARN }],
        Workflow: { Status: 'RESOLVED' },
      },
    ]);
    expect(result).toMatchObject({
      status: 'published',
      workflowStatus: 'RESOLVED',
      findingId: `aisaws/${event.eventId}`,
    });
  });

  it('NOTIFIED while the fix waits for approval', async () => {
    const result = await handler()({
      schemaVersion: 1,
      outcome: 'AWAITING_APPROVAL',
      event: publicBucketDecidedEvent(),
    });
    expect(result.workflowStatus).toBe('NOTIFIED');
    expect(securityHubMock.commandCalls(BatchUpdateFindingsCommand)[0]?.args[0].input.Workflow).toEqual({
      Status: 'NOTIFIED',
    });
  });

  it('a finding Security Hub lists in FailedFindings is an error the workflow retries, never a success', async () => {
    securityHubMock.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 0,
      FailedFindings: [
        { Id: 'aisaws/x', ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' },
      ],
    });
    const publishing = handler()({ schemaVersion: 1, outcome: 'ALERTED', event: publicBucketDecidedEvent() });
    await expect(publishing).rejects.toThrow(FindingNotImportedError);
    await expect(publishing).rejects.toThrow(/InvalidInput: Finding does not adhere to ASFF/);
    expect(securityHubMock.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
  });

  it('an unprocessed workflow update is an error too', async () => {
    securityHubMock.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: 'aisaws/x', ProductArn: PRODUCT_ARN },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'not yet',
        },
      ],
    });
    await expect(
      handler()({ schemaVersion: 1, outcome: 'VERIFIED', event: publicBucketDecidedEvent() }),
    ).rejects.toMatchObject({ name: 'FindingNotImportedError', errorCode: 'FindingNotFound' });
  });

  it('a throttled call becomes AwsThrottledError (retried with backoff by the workflow)', async () => {
    securityHubMock
      .on(BatchImportFindingsCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(
      handler()({ schemaVersion: 1, outcome: 'ALERTED', event: publicBucketDecidedEvent() }),
    ).rejects.toThrow(AwsThrottledError);
  });

  it('an event without detection is skipped, with no call', async () => {
    const result = await handler()({
      schemaVersion: 1,
      outcome: 'LOGGED',
      event: { ...publicBucketDecidedEvent(), detections: [] },
    });
    expect(result).toMatchObject({ status: 'skipped' });
    expect(securityHubMock.calls()).toHaveLength(0);
  });

  it('a rolled-back fix reopens its finding: NOTIFIED with a note on who rolled back what, no import', async () => {
    // Prepare
    const eventId = publicBucketDecidedEvent().eventId;
    const request = {
      schemaVersion: 1,
      outcome: 'ROLLED_BACK',
      eventId,
      playbook: 's3.make-bucket-private',
      changes: ['PutBucketAcl demo-bucket: restored public=true'],
      rolledBackAt: '2026-12-05T03:10:00.000Z',
      approvedBy: 'approval confirmed from 198.51.100.20',
    };
    // Act
    const result = await handler()(request);
    // Assess
    expect(securityHubMock.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
    expect(
      securityHubMock.commandCalls(BatchUpdateFindingsCommand).map((call) => call.args[0].input),
    ).toEqual([
      {
        FindingIdentifiers: [{ Id: `aisaws/${eventId}`, ProductArn: PRODUCT_ARN }],
        Workflow: { Status: 'NOTIFIED' },
        Note: {
          Text: "Rolled back 2026-12-05T03:10:00.000Z on the approval of approval confirmed from 198.51.100.20 (s3.make-bucket-private): PutBucketAcl demo-bucket: restored public=true. The resource is in its state before the fix again, by a person's choice; AISAWS does not fix this event again.",
          UpdatedBy: 'aisaws-rollback',
        },
      },
    ]);
    expect(result).toMatchObject({
      eventId,
      status: 'published',
      workflowStatus: 'NOTIFIED',
      findingId: `aisaws/${eventId}`,
    });
  });

  it('the rollback note stays within the 512 characters Security Hub allows', async () => {
    await handler()({
      schemaVersion: 1,
      outcome: 'ROLLED_BACK',
      eventId: 'e-1',
      playbook: 'ec2.revoke-world-open-ingress',
      changes: Array.from(
        { length: 40 },
        (_, i) => `AuthorizeSecurityGroupIngress sg-${i}: restored tcp 22 from 0.0.0.0/0`,
      ),
      rolledBackAt: '2026-12-05T03:10:00.000Z',
      approvedBy: 'approval confirmed from 198.51.100.20',
    });
    const note = securityHubMock.commandCalls(BatchUpdateFindingsCommand)[0]?.args[0].input.Note;
    expect(note?.Text?.length).toBeLessThanOrEqual(512);
    expect(note?.Text).toMatch(/^Rolled back 2026-12-05T03:10:00.000Z on the approval of /);
  });

  it('a rolled-back finding Security Hub does not hold is refused, so the workflow keeps the request to replay', async () => {
    securityHubMock.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: 'aisaws/e-2', ProductArn: PRODUCT_ARN },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'no such finding',
        },
      ],
    });
    await expect(
      handler()({
        schemaVersion: 1,
        outcome: 'ROLLED_BACK',
        eventId: 'e-2',
        playbook: 's3.make-bucket-private',
        changes: [],
        rolledBackAt: '2026-12-05T03:10:00.000Z',
        approvedBy: 'secops@example.com',
      }),
    ).rejects.toMatchObject({ name: 'FindingNotImportedError', errorCode: 'FindingNotFound' });
  });

  it('refuses a ROLLED_BACK request that does not say who approved it, before any call', async () => {
    await expect(
      handler()({
        schemaVersion: 1,
        outcome: 'ROLLED_BACK',
        eventId: 'e-3',
        playbook: 's3.make-bucket-private',
        changes: [],
        rolledBackAt: '2026-12-05T03:10:00.000Z',
      }),
    ).rejects.toThrow(/approvedBy/);
    expect(securityHubMock.calls()).toHaveLength(0);
  });

  it('refuses a request that is not a PublishFindingRequest, before any call', async () => {
    await expect(handler()({ schemaVersion: 1, outcome: 'VERIFIED' })).rejects.toThrow(/event/);
    expect(securityHubMock.calls()).toHaveLength(0);
  });
});

describe('Findings Lambda environment', () => {
  it('names each missing or bad variable', () => {
    expect(() => parseFindingsEnv({ OWN_ACCOUNT_ID: '12', SECURITY_HUB_REGION: '' })).toThrow(
      /OWN_ACCOUNT_ID[\s\S]*SECURITY_HUB_REGION|SECURITY_HUB_REGION[\s\S]*OWN_ACCOUNT_ID/,
    );
    expect(parseFindingsEnv({ OWN_ACCOUNT_ID: ACCOUNT, SECURITY_HUB_REGION: REGION })).toEqual({
      OWN_ACCOUNT_ID: ACCOUNT,
      SECURITY_HUB_REGION: REGION,
    });
  });
});
