import type {
  AwsSecurityFinding,
  BatchImportFindingsCommandInput,
  BatchImportFindingsCommandOutput,
  BatchUpdateFindingsCommandInput,
  BatchUpdateFindingsCommandOutput,
  ImportFindingsError,
} from '@aws-sdk/client-securityhub';

/**
 * A SIMULATED Security Hub (no local emulator offers one): the two operations the Findings Lambda calls, with the
 * rules of the real service that matter to it, as the Security Hub API reference states them:
 * - BatchImportFindings on the default product ARN accepts only findings whose `AwsAccountId` is the calling account
 *   and whose `ProductArn` is `arn:aws:securityhub:<region>:<account>:product/<account>/default` (else
 *   `FailedFindings` with `InvalidAccess`), at most 100 per call, each with the required ASFF attributes (else
 *   `InvalidInput`);
 * - a finding is keyed by (ProductArn, Id): importing it again updates it, but `Workflow` is kept (BatchImportFindings
 *   cannot change it after creation);
 * - BatchUpdateFindings sets `Workflow.Status` and `Note` (with the time of the update) of existing findings
 *   (`FindingNotFound` in `UnprocessedFindings` otherwise).
 * Both answer HTTP 200 with the failures listed, as the real service does.
 */

const REQUIRED = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'CreatedAt',
  'UpdatedAt',
  'Title',
  'Description',
  'Resources',
] as const;

const metadata = { httpStatusCode: 200, requestId: 'simulated-securityhub' };

class SimulatedSecurityHub {
  readonly simulated = true;
  private readonly stored = new Map<string, AwsSecurityFinding>();
  /** Every call, in order (operation and how many findings), for tests and the demo's narration. */
  readonly calls: { operation: 'BatchImportFindings' | 'BatchUpdateFindings'; count: number }[] = [];

  constructor(private readonly options: { readonly account: string; readonly region: string }) {}

  get productArn(): string {
    const { account, region } = this.options;
    return `arn:aws:securityhub:${region}:${account}:product/${account}/default`;
  }

  async batchImportFindings(
    input: BatchImportFindingsCommandInput,
  ): Promise<BatchImportFindingsCommandOutput> {
    const findings = input.Findings ?? [];
    this.calls.push({ operation: 'BatchImportFindings', count: findings.length });
    if (findings.length === 0 || findings.length > 100)
      throw Object.assign(new Error('Findings must hold 1 to 100 findings'), {
        name: 'InvalidInputException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    const failed: ImportFindingsError[] = [];
    for (const finding of findings) {
      const error = this.refusal(finding);
      if (error) {
        failed.push({ Id: finding.Id ?? '(no Id)', ...error });
        continue;
      }
      const key = `${finding.ProductArn}|${finding.Id}`;
      const existing = this.stored.get(key);
      const copy = structuredClone(finding);
      // BatchImportFindings cannot change Workflow once the finding exists.
      if (existing?.Workflow) copy.Workflow = existing.Workflow;
      this.stored.set(key, copy);
    }
    return {
      FailedCount: failed.length,
      SuccessCount: findings.length - failed.length,
      FailedFindings: failed,
      $metadata: metadata,
    };
  }

  async batchUpdateFindings(
    input: BatchUpdateFindingsCommandInput,
  ): Promise<BatchUpdateFindingsCommandOutput> {
    const identifiers = input.FindingIdentifiers ?? [];
    this.calls.push({ operation: 'BatchUpdateFindings', count: identifiers.length });
    const processed: BatchUpdateFindingsCommandOutput['ProcessedFindings'] = [];
    const unprocessed: BatchUpdateFindingsCommandOutput['UnprocessedFindings'] = [];
    for (const identifier of identifiers) {
      const finding = this.stored.get(`${identifier.ProductArn}|${identifier.Id}`);
      if (!finding) {
        unprocessed.push({
          FindingIdentifier: identifier,
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'no such finding',
        });
        continue;
      }
      if (input.Workflow?.Status) finding.Workflow = { Status: input.Workflow.Status };
      if (input.Note) finding.Note = { ...input.Note, UpdatedAt: new Date().toISOString() };
      processed.push(identifier);
    }
    return { ProcessedFindings: processed, UnprocessedFindings: unprocessed, $metadata: metadata };
  }

  /** The findings held, in the order they were first imported. */
  findings(): AwsSecurityFinding[] {
    return [...this.stored.values()].map((finding) => structuredClone(finding));
  }

  private refusal(finding: AwsSecurityFinding): { ErrorCode: string; ErrorMessage: string } | undefined {
    const missing = REQUIRED.filter((attribute) => finding[attribute] === undefined);
    if (missing.length > 0)
      return {
        ErrorCode: 'InvalidInput',
        ErrorMessage: `missing required attribute(s) ${missing.join(', ')}`,
      };
    if (finding.AwsAccountId !== this.options.account || finding.ProductArn !== this.productArn)
      return {
        ErrorCode: 'InvalidAccess',
        ErrorMessage: `account ${this.options.account} may import only its own findings on ${this.productArn}`,
      };
    return undefined;
  }
}

export { SimulatedSecurityHub };
