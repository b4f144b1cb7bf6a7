import type { StageLogger } from '@aisaws/lambda-runtime';
import {
  GetResourcesCommand,
  type ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';

/**
 * The tags of one resource through the Resource Groups Tagging API (GetResources with ResourceARNList). Any failure
 * (no permission, unsupported type, other region or account) gives no tags and a warning: the exemption tag then
 * simply does not apply, and the decision goes on.
 */
async function readResourceTags(
  arn: string,
  tagging: ResourceGroupsTaggingAPIClient,
  logger: StageLogger,
): Promise<Record<string, string>> {
  try {
    const response = await tagging.send(new GetResourcesCommand({ ResourceARNList: [arn] }));
    const mapping =
      response.ResourceTagMappingList?.find((m) => m.ResourceARN === arn) ??
      response.ResourceTagMappingList?.[0];
    const tags: Record<string, string> = {};
    for (const tag of mapping?.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    return tags;
  } catch (error) {
    logger.warn('resource tags unavailable: deciding without them', {
      arn,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return {};
  }
}

export { readResourceTags };
