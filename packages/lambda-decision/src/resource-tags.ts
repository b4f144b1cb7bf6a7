import type { ResourceRef } from '@aisaws/core/schemas';
import type { StageLogger } from '@aisaws/lambda-runtime';
import {
  GetResourcesCommand,
  type ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';

/** What the tag read needs of a Resource Groups Tagging API client (a real client, a mock or the simulation). */
type TaggingClient = Pick<ResourceGroupsTaggingAPIClient, 'send'>;

/**
 * Tagging API clients by account and region. The Resource Groups Tagging API answers only about the caller's own
 * account and only in the region it is called in, so a resource's tags are read in its account and its region: a
 * member resource through that account's tag-reader role (AssumeRole with the ExternalId; the role holds only
 * `tag:GetResources`), the security account's own resource with the Lambda's own role.
 */
interface MemberTagging {
  /** The account the Decision Lambda runs in: its resources are read with its own role (no AssumeRole). */
  readonly ownAccountId: string;
  /** A client for `account` (own or member) in `region`. */
  clientFor(account: string, region: string): Promise<TaggingClient>;
}

/** The tags read, and when the read failed, why (then `tags` is empty: the decision goes on without them). */
interface ResourceTagRead {
  readonly tags: Record<string, string>;
  readonly unavailable?: string;
}

/** EC2 resource types whose detections name only the id, and the ARN resource path their tags are found under. */
const EC2_ARN_PATHS: Readonly<Record<string, string>> = {
  'AWS::EC2::SecurityGroup': 'security-group',
  'AWS::EC2::NetworkAcl': 'network-acl',
  'AWS::EC2::Instance': 'instance',
  'AWS::EC2::Snapshot': 'snapshot',
  'AWS::EC2::Image': 'image',
};

/**
 * The ARN to read a resource's tags by: the one its detection gives, else, for the EC2 types above (whose detections
 * name only the id), `arn:aws:ec2:<region>:<account>:<path>/<id>`; undefined when there is none (no tag read).
 */
function tagArnOf(
  resource: Pick<ResourceRef, 'type' | 'id' | 'arn' | 'account' | 'region'>,
): string | undefined {
  if (resource.arn) return resource.arn;
  const path = EC2_ARN_PATHS[resource.type];
  if (!path || !/^\d{12}$/.test(resource.account) || !/^[a-z0-9-]+$/.test(resource.region)) return undefined;
  if (!/^[a-z]+-[0-9a-f]+$/.test(resource.id)) return undefined;
  return `arn:aws:ec2:${resource.region}:${resource.account}:${path}/${resource.id}`;
}

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * The tags of one resource through the Resource Groups Tagging API (GetResources with ResourceARNList), read in the
 * resource's account and region when `memberTagging` is given (else with `tagging`, in its region). Any failure
 * (AssumeRole refused, no permission, unsupported type, throttled) gives no tags, a warning and `unavailable`: the
 * exemption tag then simply does not apply, the decision goes on and its reason says the tags were not read.
 */
async function readResourceTags(
  resource: Pick<ResourceRef, 'arn' | 'account' | 'region'> & { readonly arn: string },
  deps: { readonly tagging: TaggingClient; readonly memberTagging?: MemberTagging | undefined },
  logger: StageLogger,
): Promise<ResourceTagRead> {
  const { arn, account, region } = resource;
  const located = /^\d{12}$/.test(account) && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region);
  const member = deps.memberTagging !== undefined && located && account !== deps.memberTagging.ownAccountId;
  try {
    const client =
      deps.memberTagging && located ? await deps.memberTagging.clientFor(account, region) : deps.tagging;
    const response = await client.send(new GetResourcesCommand({ ResourceARNList: [arn] }));
    const mapping =
      response.ResourceTagMappingList?.find((m) => m.ResourceARN === arn) ??
      response.ResourceTagMappingList?.[0];
    const tags: Record<string, string> = {};
    for (const tag of mapping?.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    return { tags };
  } catch (error) {
    const where = member ? `in account ${account} (member tag-reader role)` : 'in the security account';
    logger.warn('resource tags unavailable: deciding without them', {
      arn,
      where,
      error: describeError(error),
    });
    const name = error instanceof Error ? error.name : 'Error';
    return { tags: {}, unavailable: `${name} reading the tags ${where}` };
  }
}

export type { MemberTagging, ResourceTagRead, TaggingClient };
export { readResourceTags, tagArnOf };
