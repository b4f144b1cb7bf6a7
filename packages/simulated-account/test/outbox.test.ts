import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createOutbox, type OutboxMessage } from '../src/outbox.js';

describe('outbox: the simulated SNS topic writes each alert as an e-mail file', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'aisaws-outbox-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes an RFC 5322 text/plain UTF-8 message with the subject, body and SNS attributes', async () => {
    // Prepare
    const arrived: OutboxMessage[] = [];
    const outbox = createOutbox({
      directory,
      now: () => new Date('2026-11-25T04:20:00.000Z'),
      onMessage: (message) => arrived.push(message),
    });

    // Act
    const output = await outbox.client.send(
      new PublishCommand({
        TopicArn: 'arn:aws:sns:us-east-1:111122223333:alerts',
        Subject: '[AISAWS] Fixed: bucket made public — reports',
        Message: 'Line one\nLine two',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'HIGH' } },
      }),
    );

    // Assess
    expect(output.MessageId).toEqual(arrived[0]?.messageId);
    const eml = await readFile(arrived[0]?.file ?? '', 'utf8');
    const [head, body] = eml.split('\r\n\r\n');
    expect(head).toMatch(/^From: .+\r\nTo: .+\r\nSubject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=\r\n/);
    expect(head).toContain('Date: Wed, 25 Nov 2026 04:20:00 +0000');
    expect(head).toMatch(/Message-ID: <[0-9a-f-]{36}@sns\.simulated\.aisaws\.local>/);
    expect(head).toContain('Content-Type: text/plain; charset=utf-8');
    expect(head).toContain('X-SNS-Attribute-severity: HIGH');
    expect(body).toBe('Line one\r\nLine two\r\n');
    const subject = /Subject: =\?UTF-8\?B\?(.+)\?=/.exec(head ?? '')?.[1] ?? '';
    expect(Buffer.from(subject, 'base64').toString('utf8')).toBe(
      '[AISAWS] Fixed: bucket made public — reports',
    );
  });

  it('refuses a subject over 100 characters (the SNS limit) and any operation but Publish', async () => {
    // Prepare
    const outbox = createOutbox({ directory });

    // Act
    const tooLong = outbox.client.send(
      new PublishCommand({ TopicArn: 'arn:t', Subject: 'x'.repeat(101), Message: 'm' }),
    );
    class ListTopicsCommand {
      readonly input = {};
    }
    const other = outbox.client.send(new ListTopicsCommand());

    // Assess
    await expect(tooLong).rejects.toThrow(/Subject: Subject must be at most 100 characters/);
    await expect(other).rejects.toThrow(/Publish only, not ListTopicsCommand/);
    expect(outbox.messages).toHaveLength(0);
  });
});
