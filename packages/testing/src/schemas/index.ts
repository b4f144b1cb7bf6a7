import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * Validators for the two finding formats AISAWS emits, against JSON Schemas generated from the published specs
 * (no npm package ships either schema): ASFF from the Security Hub service model in `@aws-sdk/client-securityhub`
 * (`scripts/gen-asff-schema.ts`), OCSF 1.8.0 Detection Finding from github.com/ocsf/ocsf-schema
 * (`scripts/gen-ocsf-schema.ts`). Each file carries its provenance in `$comment`.
 */

const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../schemas');

const ASFF_SCHEMA_PATH = join(SCHEMA_DIR, 'asff-finding.schema.json');
const OCSF_DETECTION_FINDING_SCHEMA_PATH = join(SCHEMA_DIR, 'ocsf-detection-finding.schema.json');

const cache = new Map<string, ValidateFunction>();

function validatorFor(path: string): ValidateFunction {
  const known = cache.get(path);
  if (known) return known;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(JSON.parse(readFileSync(path, 'utf8')) as object);
  cache.set(path, validate);
  return validate;
}

/** The schema errors of `value` as `path: message` lines; empty when it is valid. */
function errorsAgainst(path: string, value: unknown): string[] {
  const validate = validatorFor(path);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => {
    const extra =
      error.keyword === 'additionalProperties'
        ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
        : error.keyword === 'enum'
          ? ` (${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)})`
          : '';
    return `${error.instancePath || '(root)'}: ${error.message ?? error.keyword}${extra}`;
  });
}

/** Errors of one ASFF finding (an element of BatchImportFindings' `Findings`) against the ASFF schema. */
const asffSchemaErrors = (finding: unknown): string[] => errorsAgainst(ASFF_SCHEMA_PATH, finding);

/** Errors of one OCSF event against the OCSF 1.8.0 Detection Finding (class 2004) schema. */
const ocsfDetectionFindingSchemaErrors = (event: unknown): string[] =>
  errorsAgainst(OCSF_DETECTION_FINDING_SCHEMA_PATH, event);

export {
  ASFF_SCHEMA_PATH,
  asffSchemaErrors,
  OCSF_DETECTION_FINDING_SCHEMA_PATH,
  ocsfDetectionFindingSchemaErrors,
};
