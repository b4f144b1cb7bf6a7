import type { Clock } from '@aisaws/core/ports';
import { createCrossAccountClients } from '@aisaws/playbooks/cross-account';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { STSClient } from '@aws-sdk/client-sts';
import type { EventHistory } from './reconcile.js';

interface EventHistorySettings {
  /** The account this Lambda runs in: its own events are looked up with its own role. */
  readonly ownAccountId: string;
  /** The member role allowed only cloudtrail:LookupEvents (`aisaws-<env>-member-event-reader`). */
  readonly memberRoleName: string;
  readonly externalId: string;
  readonly clock: Clock;
}

/** The lookup is narrowed to a day either side of the event's time when it is known. */
const AROUND_MS = 24 * 3_600_000;

/**
 * CloudTrail event history through LookupEvents (EventId attribute), in the event's account (a member's through its
 * event-reader role, assumed with the ExternalId; credentials cached and renewed) and region. Loaded only when the
 * reconcile job first recovers an event (a separate chunk): the common run never pays for these clients.
 */
function cloudTrailEventHistory(settings: EventHistorySettings): EventHistory {
  const clientsFor = createCrossAccountClients({
    sts: new STSClient({}),
    ownAccountId: settings.ownAccountId,
    memberRoleName: settings.memberRoleName,
    externalId: settings.externalId,
    clock: settings.clock,
    sessionName: 'aisaws-reconcile',
  });
  return {
    async find({ eventId, account, region, eventTime }) {
      const client = (await clientsFor(account))(CloudTrailClient, region);
      const at = eventTime !== undefined ? Date.parse(eventTime) : Number.NaN;
      const { Events = [] } = await client.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: eventId }],
          ...(Number.isFinite(at)
            ? { StartTime: new Date(at - AROUND_MS), EndTime: new Date(at + AROUND_MS) }
            : {}),
          MaxResults: 1,
        }),
      );
      const found = Events.find((event) => event.EventId === eventId);
      return found?.CloudTrailEvent !== undefined
        ? (JSON.parse(found.CloudTrailEvent) as unknown)
        : undefined;
    },
  };
}

export type { EventHistorySettings };
export { cloudTrailEventHistory };
