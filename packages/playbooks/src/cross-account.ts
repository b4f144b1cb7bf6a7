import type { Clock } from '@aisaws/core/ports';
import { AssumeRoleCommand, AssumeRootCommand, type STSClient } from '@aws-sdk/client-sts';
import type { ClientFactory, RootSessionFactory } from './types.js';

interface CrossAccountSettings {
  readonly sts: Pick<STSClient, 'send'>;
  /** The account the caller runs in: its resources are reached with the caller's own role. */
  readonly ownAccountId: string;
  /** Name of the role deployed in every member account, e.g. `aisaws-member-remediation`. */
  readonly memberRoleName: string;
  readonly externalId: string;
  readonly clock: Clock;
  /**
   * The AssumeRole session name, e.g. `aisaws-remediation`: it starts with `aisaws-` so the catalog's guard
   * recognises (and ignores) AISAWS's own calls, and says which stage made them.
   */
  readonly sessionName: string;
}

interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Credentials are renewed this long before they expire, so a playbook never starts with nearly dead ones. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** Builds SDK clients with the given credentials (none: the default provider chain, i.e. the caller's role). */
function clientFactoryWith(credentials?: TemporaryCredentials): ClientFactory {
  return (ClientClass, region) => {
    const config = credentials ? { region, credentials } : { region };
    return new ClientClass(config);
  };
}

/**
 * Returns the ClientFactory for an account: the caller's own credentials for its own account, otherwise STS
 * AssumeRole into `arn:aws:iam::<account>:role/<memberRoleName>` with the ExternalId. Credentials are cached per
 * account for the container's lifetime and renewed before they expire; a failed AssumeRole is not cached.
 */
function createCrossAccountClients(
  settings: CrossAccountSettings,
): (account: string) => Promise<ClientFactory> {
  const cache = new Map<string, Promise<TemporaryCredentials>>();
  const ownFactory = clientFactoryWith();

  async function assume(account: string): Promise<TemporaryCredentials> {
    const roleArn = `arn:aws:iam::${account}:role/${settings.memberRoleName}`;
    const { Credentials } = await settings.sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: settings.sessionName,
        ExternalId: settings.externalId,
        DurationSeconds: 3600,
      }),
    );
    if (
      !Credentials?.AccessKeyId ||
      !Credentials.SecretAccessKey ||
      !Credentials.SessionToken ||
      !Credentials.Expiration
    )
      throw new Error(`AssumeRole ${roleArn} returned no complete credentials`);
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    };
  }

  return async (account) => {
    if (!/^\d{12}$/.test(account))
      throw new Error(`resource account ${JSON.stringify(account)} is not a 12-digit AWS account id`);
    if (account === settings.ownAccountId) return ownFactory;
    let pending = cache.get(account);
    if (pending) {
      const cached = await pending.catch(() => undefined);
      if (!cached || cached.expiration.getTime() - RENEW_BEFORE_MS <= settings.clock.now().getTime())
        pending = undefined;
    }
    if (!pending) {
      pending = assume(account);
      cache.set(account, pending);
      const attempt = pending;
      attempt.catch(() => {
        if (cache.get(account) === attempt) cache.delete(account);
      });
    }
    return clientFactoryWith(await pending);
  };
}

/**
 * Root sessions of member accounts (Organizations centralized root access): sts:AssumeRoot with the caller's own
 * credentials (AISAWS in the management or delegated-administrator account), 15 minutes, limited to the given AWS
 * managed task policy. Not cached: a root session is opened per operation and expires quickly.
 */
function createRootSessions(sts: Pick<STSClient, 'send'>): RootSessionFactory {
  return async (account, taskPolicyArn) => {
    if (!/^\d{12}$/.test(account))
      throw new Error(`root session account ${JSON.stringify(account)} is not a 12-digit AWS account id`);
    const { Credentials } = await sts.send(
      new AssumeRootCommand({
        TargetPrincipal: account,
        TaskPolicyArn: { arn: taskPolicyArn },
        DurationSeconds: 900,
      }),
    );
    if (
      !Credentials?.AccessKeyId ||
      !Credentials.SecretAccessKey ||
      !Credentials.SessionToken ||
      !Credentials.Expiration
    )
      throw new Error(`AssumeRoot ${account} (${taskPolicyArn}) returned no complete credentials`);
    return clientFactoryWith({
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    });
  };
}

export type { CrossAccountSettings, TemporaryCredentials };
export { clientFactoryWith, createCrossAccountClients, createRootSessions };
