import { accountOfQueueUrl, type ReconcileSource } from './plan.js';

interface SourceSettings {
  readonly triageStateMachineArn: string;
  readonly securityBusArn: string;
  readonly eventsDlqUrl?: string | undefined;
  readonly quarantineQueueUrl?: string | undefined;
  readonly alertOutboxQueueUrl?: string | undefined;
  readonly memberForwardDlqUrls: readonly string[];
  readonly maxReceives: number;
  readonly outboxMaxReceives: number;
}

/** The queues to drain, in order: outbox first (people are waiting), then the dead letters, then quarantine. */
function sourcesFrom(settings: SourceSettings): ReconcileSource[] {
  const sources: ReconcileSource[] = [];
  if (settings.alertOutboxQueueUrl)
    sources.push({
      kind: 'alert-outbox',
      queueUrl: settings.alertOutboxQueueUrl,
      maxReceives: settings.outboxMaxReceives,
    });
  if (settings.eventsDlqUrl)
    sources.push({
      kind: 'events-dlq',
      queueUrl: settings.eventsDlqUrl,
      expectedTarget: settings.triageStateMachineArn,
      maxReceives: settings.maxReceives,
    });
  for (const queueUrl of settings.memberForwardDlqUrls) {
    const account = accountOfQueueUrl(queueUrl);
    if (!account) throw new Error(`member forward DLQ ${queueUrl}: not an SQS queue URL with an account id`);
    sources.push({
      kind: 'member-forward-dlq',
      queueUrl,
      account,
      expectedTarget: settings.securityBusArn,
      maxReceives: settings.maxReceives,
    });
  }
  if (settings.quarantineQueueUrl)
    sources.push({
      kind: 'quarantine',
      queueUrl: settings.quarantineQueueUrl,
      maxReceives: settings.maxReceives,
    });
  return sources;
}

export type { SourceSettings };
export { sourcesFrom };
