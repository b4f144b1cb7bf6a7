import { describe, expect, it } from '@jest/globals';
import { startApprovalServer } from '../../src/demo/approval-server.js';

describe('approval endpoint: a loopback function URL', () => {
  it('hands a GET with its query string to the handler as a function URL event and returns its response', async () => {
    // Prepare
    const server = await startApprovalServer();
    const received: unknown[] = [];
    server.setHandler(async (event) => {
      received.push(event);
      return { statusCode: 200, headers: { 'content-type': 'text/html' }, body: '<p>Approved</p>' };
    });

    // Act
    const response = await fetch(`${server.url}?token=abc&decision=approve`);
    const body = await response.text();
    await server.close();

    // Assess
    expect(response.status).toBe(200);
    expect(body).toBe('<p>Approved</p>');
    expect(received[0]).toMatchObject({
      version: '2.0',
      rawPath: '/',
      rawQueryString: 'token=abc&decision=approve',
      queryStringParameters: { token: 'abc', decision: 'approve' },
      requestContext: { http: { method: 'GET', sourceIp: '127.0.0.1' } },
    });
  });

  it('answers 500 with the error name when the handler throws', async () => {
    // Prepare
    const server = await startApprovalServer();
    server.setHandler(async () => {
      throw new TypeError('boom');
    });

    // Act
    const response = await fetch(server.url);
    const text = await response.text();
    await server.close();

    // Assess
    expect(response.status).toBe(500);
    expect(text).toContain('TypeError: boom');
  });
});
