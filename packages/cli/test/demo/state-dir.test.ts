import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runStatus } from '../../src/demo/status.js';
import { openSandbox } from '../../src/sandbox/local-sandbox.js';

const quiet = () => {
  const chunks: string[] = [];
  return {
    out: { write: (text: string) => void chunks.push(text), isTTY: false },
    text: () => chunks.join(''),
  };
};

describe('the state folder between commands', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'aisaws-state-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('keeps DynamoDB items and the simulated account from one sandbox to the next', async () => {
    // Prepare
    const first = await openSandbox({ stateDir, s3: false });
    first.account.createBucket('kept-bucket');
    await first.dynamo.client.send(
      new PutItemCommand({
        TableName: first.tables.events,
        Item: {
          eventId: { S: 'e-1' },
          status: { S: 'RECEIVED' },
          timeline: { M: { received: { S: '2026-11-25T04:00:00.000Z' } } },
        },
      }),
    );

    // Act
    await first.save();
    await first.close();
    const second = await openSandbox({ stateDir, s3: false });
    const output = quiet();
    await second.close();
    const views = await runStatus({ stateDir, format: 'json' }, output.out);

    // Assess
    expect(second.account.state.buckets['kept-bucket']?.publicAccessBlock?.BlockPublicAcls).toBe(true);
    expect(views).toEqual([expect.objectContaining({ eventId: 'e-1', status: 'RECEIVED' })]);
  }, 30_000);

  it('says so when there is nothing yet', async () => {
    const output = quiet();
    await runStatus({ stateDir, format: 'text' }, output.out);
    expect(output.text()).toBe('No events in the sandbox yet: run `aisaws demo` first.\n');
  }, 30_000);

  it('names the file and the field when a saved state is damaged', async () => {
    // Prepare
    await writeFile(join(stateDir, 'account.json'), JSON.stringify({ accountId: 'not-an-account' }));

    // Act
    const opened = openSandbox({ stateDir, s3: false });

    // Assess
    await expect(opened).rejects.toThrow(/simulated account state: accountId: accountId must be 12 digits/);
  }, 30_000);

  it('refuses a run record that is not JSON, naming the file', async () => {
    // Prepare
    await mkdir(join(stateDir, 'runs'), { recursive: true });
    await writeFile(join(stateDir, 'runs', 'broken.json'), '{"format": ');

    // Act
    const status = runStatus({ stateDir, format: 'text' }, quiet().out);

    // Assess
    await expect(status).rejects.toThrow(/runs\/broken\.json: not JSON/);
  }, 30_000);
});
