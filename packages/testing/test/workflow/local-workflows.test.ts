import type { AlertRequest, ForwardRemediationRequest, VerificationRequest } from '@aisaws/core/schemas';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createTables, type RunningDynalite, startDynalite } from '../../src/harness/index.js';
import { substitutePlaceholders } from '../../src/workflow/definitions.js';
import { type DecidedEventOptions, publicBucketDecidedEvent } from '../../src/workflow/fixtures.js';
import {
  createLocalWorkflows,
  type StateEvent,
  type WorkflowTasks,
} from '../../src/workflow/local-workflows.js';

jest.setTimeout(30_000);

let dynalite: RunningDynalite;
let counter = 0;
beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, { events: 'runner-events' });
});
afterAll(async () => {
  await dynalite.stop();
});

/**
 * Minimal stage doubles that honour the stage contracts (these tests are about the runner, not the Lambdas; the
 * Lambdas run for real in infra/test/workflow).
 */
function stageDoubles(calls: string[]): WorkflowTasks {
  const unused = async () => {
    throw new Error('triage stages are not used here');
  };
  return {
    ingest: unused,
    scoring: unused,
    decision: unused,
    async remediation(input) {
      const request = input as ForwardRemediationRequest;
      calls.push(`remediation:${request.action}`);
      const base = {
        schemaVersion: 1,
        eventId: request.event.eventId,
        playbook: 's3.make-bucket-private',
        changes: [],
        at: new Date().toISOString(),
      };
      if (request.action === 'snapshot') {
        const resource = request.event.detections[0]?.resource;
        return {
          ...base,
          action: 'snapshot',
          status: 'snapshot-taken',
          snapshot: { playbook: base.playbook, resource, takenAt: base.at, state: {} },
        };
      }
      return { ...base, action: 'apply', status: 'applied' };
    },
    async verification(input) {
      const request = input as VerificationRequest;
      calls.push('verification');
      return {
        schemaVersion: 1,
        eventId: request.event.eventId,
        playbook: request.remediation.playbook,
        status: 'converged',
        observed: {},
        details: 'ok',
        checkedAt: new Date().toISOString(),
      };
    },
    async alert(input) {
      const request = input as AlertRequest;
      calls.push(`alert:${request.kind}`);
      return {
        schemaVersion: 1,
        eventId: request.event.eventId,
        kind: request.kind,
        messageId: `m-${calls.length}`,
        subject: 's',
      };
    },
    async findings(input) {
      const request = input as { outcome: string; event: { eventId: string } };
      calls.push(`findings:${request.outcome}`);
      return { schemaVersion: 1, eventId: request.event.eventId, status: 'published', reason: 'double' };
    },
  };
}

async function decidedWithItem(decision: DecidedEventOptions['decision']) {
  counter += 1;
  const event = publicBucketDecidedEvent({ eventId: `runner-${counter}`, decision });
  await dynalite.client.send(
    new PutItemCommand({
      TableName: 'runner-events',
      Item: { eventId: { S: event.eventId }, status: { S: 'REMEDIATING' }, timeline: { M: {} } },
    }),
  );
  return event;
}

describe('createLocalWorkflows', () => {
  it('runs the real remediation ASL and reports every state visited with its timings and events', async () => {
    // Prepare
    const calls: string[] = [];
    const events: StateEvent[] = [];
    const workflows = createLocalWorkflows({
      tasks: stageDoubles(calls),
      dynamo: dynalite.client,
      eventsTable: 'runner-events',
      onStateEvent: (e) => events.push(e),
    });
    const event = await decidedWithItem({});
    // Act
    const result = await workflows.startRemediation(event, 'n1').result;
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toEqual([
      'remediation:snapshot',
      'remediation:apply',
      'verification',
      'alert:remediated',
      'findings:VERIFIED',
    ]);
    expect(result.states.every((s) => s.endMs >= s.startMs && s.status === 'succeeded')).toBe(true);
    expect(events.filter((e) => e.type === 'entered').map((e) => e.state)).toEqual(
      result.states.map((s) => s.name),
    );
  });

  it('refuses a second execution with the same name and another input (ExecutionAlreadyExistsException)', async () => {
    const workflows = createLocalWorkflows({
      tasks: stageDoubles([]),
      dynamo: dynalite.client,
      eventsTable: 'runner-events',
    });
    const event = await decidedWithItem({});
    await workflows.startRemediation(event, 'same-name').result;
    expect(() => workflows.startRemediation({ ...event, receivedAt: 'later' }, 'same-name')).toThrow(
      expect.objectContaining({ name: 'StepFunctions.ExecutionAlreadyExistsException' }),
    );
    expect(workflows.listExecutions()).toHaveLength(1);
  });

  it('waits on .waitForTaskToken until sendTaskFailure, whose error the ASL catches; stale tokens are refused', async () => {
    // Prepare
    const calls: string[] = [];
    const workflows = createLocalWorkflows({
      tasks: stageDoubles(calls),
      dynamo: dynalite.client,
      eventsTable: 'runner-events',
    });
    const event = await decidedWithItem({ action: 'HUMAN_APPROVAL' });
    const execution = workflows.startRemediation(event, 'approval-1');
    // Act
    const pending = await workflows.nextPendingTask();
    await workflows.sfn.send({
      input: { taskToken: pending.taskToken, error: 'ApproverUnavailable', cause: 'nobody on call' },
    });
    const result = await execution.result;
    // Assess
    expect(pending).toMatchObject({
      state: 'Request Approval',
      invocationResult: { kind: 'approval-request' },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toEqual({ error: 'ApproverUnavailable', cause: 'nobody on call' });
    expect(calls).toEqual([
      'remediation:snapshot',
      'findings:AWAITING_APPROVAL',
      'alert:approval-request',
      'alert:remediation-failed',
      'findings:FAILED',
    ]);
    expect(() => workflows.sendTaskSuccess(pending.taskToken, { approved: true })).toThrow(
      expect.objectContaining({ name: 'TaskDoesNotExist' }),
    );
    expect(() => workflows.sendTaskSuccess('never-issued', {})).toThrow(
      expect.objectContaining({ name: 'InvalidToken' }),
    );
  });

  it("binds triage's Alert Person (its AlertFunctionArn) to the alert handler, with kind alert", async () => {
    // Prepare: stage doubles that hand an ALERT decision on, whatever the input.
    const calls: string[] = [];
    const decided = publicBucketDecidedEvent({
      eventId: 'runner-logged',
      decision: { action: 'ALERT', level: 'HIGH', playbook: null },
    });
    const workflows = createLocalWorkflows({
      tasks: {
        ...stageDoubles(calls),
        ingest: async () => decided,
        scoring: async () => decided,
        decision: async () => decided,
      },
      dynamo: dynalite.client,
      eventsTable: 'runner-events',
    });
    // Act
    const { triage, remediation } = await workflows.runTriage({ any: 'EventBridge event' });
    // Assess
    expect(workflows.placeholders.AlertFunctionArn).toMatch(/:function:aisaws-local-alert$/);
    expect(triage.status).toBe('SUCCEEDED');
    // No events item was written by the doubles, so the ALERTED record's condition fails: nothing to overwrite.
    expect(triage.states.map((s) => s.name).slice(-3)).toEqual([
      'Alert Person',
      'Record Alerted',
      'Already Recorded',
    ]);
    expect(calls).toEqual(['alert:alert']);
    expect(remediation).toBeUndefined();
  });

  it('names a placeholder that has no value', () => {
    const placeholder = ['$', '{Nope}'].join('');
    expect(() => substitutePlaceholders(`{"a": "${placeholder}"}`, {})).toThrow(
      `ASL placeholder ${placeholder} has no value`,
    );
  });
});
