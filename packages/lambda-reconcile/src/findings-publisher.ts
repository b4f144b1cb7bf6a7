import { PublishFindingResultSchema } from '@aisaws/core/publish';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { FindingsPublisher } from './reconcile.js';

/** The Findings Lambda answered with a function error (Security Hub refused again, or the request failed). */
class FindingsFunctionError extends Error {
  override readonly name = 'FindingsFunctionError';
}

/**
 * Invokes the Findings Lambda (its `live` alias) synchronously with the kept request, as the workflows' `Publish …
 * Finding` Tasks do. A function error, or an answer that is not a PublishFindingResult, throws.
 */
function lambdaFindingsPublisher(lambda: LambdaClient, functionName: string): FindingsPublisher {
  return {
    async publish(request) {
      const response = await lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(request)),
        }),
      );
      const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
      if (response.FunctionError)
        throw new FindingsFunctionError(
          `Findings Lambda failed (${response.FunctionError}): ${text.slice(0, 500)}`,
        );
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        throw new FindingsFunctionError(`Findings Lambda answered with no JSON: ${text.slice(0, 200)}`);
      }
      const result = PublishFindingResultSchema.safeParse(answer);
      if (!result.success)
        throw new FindingsFunctionError(
          `Findings Lambda answered with no PublishFindingResult: ${result.error.issues[0]?.message ?? ''}`,
        );
    },
  };
}

export { FindingsFunctionError, lambdaFindingsPublisher };
