import {
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandInput,
  type BatchImportFindingsCommandOutput,
  BatchUpdateFindingsCommand,
  type BatchUpdateFindingsCommandInput,
  type BatchUpdateFindingsCommandOutput,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';

/**
 * The two Security Hub operations the Findings Lambda calls. The deployed Lambda passes `securityHubOf(client)`; the
 * demo and the workflow tests pass the simulated Security Hub of `@aisaws/simulated-account`.
 */
interface SecurityHubFindings {
  batchImportFindings(input: BatchImportFindingsCommandInput): Promise<BatchImportFindingsCommandOutput>;
  batchUpdateFindings(input: BatchUpdateFindingsCommandInput): Promise<BatchUpdateFindingsCommandOutput>;
}

/** The SDK client behind the port. */
const securityHubOf = (client: SecurityHubClient): SecurityHubFindings => ({
  batchImportFindings: (input) => client.send(new BatchImportFindingsCommand(input)),
  batchUpdateFindings: (input) => client.send(new BatchUpdateFindingsCommand(input)),
});

export type { SecurityHubFindings };
export { securityHubOf };
