import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { PlaybookContext } from './types.js';

/** Pages of LookupEvents read at most (50 events each): the search stops there rather than run for minutes. */
const MAX_PAGES = 10;

/** One successful call from CloudTrail's event history, its request as recorded. */
interface RecordedCall {
  readonly eventName: string;
  readonly eventTime: string;
  readonly eventId: string;
  readonly requestParameters: Readonly<Record<string, unknown>>;
}

function parseRecordedCall(json: string | undefined): RecordedCall | undefined {
  if (json === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record.errorCode !== undefined && record.errorCode !== null) return undefined;
  const requestParameters = record.requestParameters;
  if (typeof requestParameters !== 'object' || requestParameters === null) return undefined;
  return {
    eventName: String(record.eventName),
    eventTime: String(record.eventTime),
    eventId: String(record.eventID),
    requestParameters: requestParameters as Record<string, unknown>,
  };
}

/**
 * The successful calls named `eventNames` in the region's CloudTrail event history (the last 90 days of management
 * events, kept by CloudTrail even when no trail exists), newest first, that `about` accepts. This is where a
 * playbook finds the last recorded configuration of something that was deleted: the event that deleted it names it
 * only. Needs `cloudtrail:LookupEvents`. LookupEvents takes one lookup attribute per call, so each name is one search.
 */
async function recordedCalls(
  ctx: PlaybookContext,
  region: string,
  eventNames: readonly string[],
  about: (call: RecordedCall) => boolean,
): Promise<RecordedCall[]> {
  const client = ctx.clients(CloudTrailClient, region);
  const calls: RecordedCall[] = [];
  for (const eventName of eventNames) {
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const output = await client.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
          MaxResults: 50,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const event of output.Events ?? []) {
        const call = parseRecordedCall(event.CloudTrailEvent);
        if (call && about(call)) calls.push(call);
      }
      nextToken = output.NextToken;
      if (!nextToken) break;
    }
  }
  // ISO-8601 UTC times sort as strings.
  return calls.sort((a, b) => (a.eventTime < b.eventTime ? 1 : a.eventTime > b.eventTime ? -1 : 0));
}

export type { RecordedCall };
export { recordedCalls };
