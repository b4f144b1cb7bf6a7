/**
 * Generates packages/testing/schemas/asff-finding.schema.json, the JSON Schema of one AWS Security Finding Format
 * (ASFF) finding as BatchImportFindings accepts it, from the Security Hub service model that
 * `@aws-sdk/client-securityhub` ships (its runtime schema of `AwsSecurityFinding`: every member, its type and which
 * members the model marks required) plus the enumerations the same package exports (WorkflowStatus, RecordState,
 * SeverityLabel, ComplianceStatus, VerificationState). No npm package publishes an ASFF JSON Schema, so the tests
 * validate against this file. Objects are closed (`additionalProperties: false`): a misspelt attribute fails, as
 * Security Hub rejects it.
 *
 * Run: `tsx scripts/gen-asff-schema.ts` (rewrites the file; a test checks that the committed file is current).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as securityHub from '@aws-sdk/client-securityhub';

/** The part of @smithy/core's NormalizedSchema this script reads. */
interface Normalized {
  getName(): string | undefined;
  getSchema(): unknown;
  isStructSchema(): boolean;
  isListSchema(): boolean;
  isMapSchema(): boolean;
  isNumericSchema(): boolean;
  isBooleanSchema(): boolean;
  isStringSchema(): boolean;
  isTimestampSchema(): boolean;
  isBlobSchema(): boolean;
  isDocumentSchema(): boolean;
  getValueSchema(): Normalized;
  structIterator(): Iterable<[string, Normalized]>;
}

type JsonSchema = Record<string, unknown>;

const OUTPUT = join(
  dirname(fileURLToPath(import.meta.url)),
  '../packages/testing/schemas/asff-finding.schema.json',
);

/** Members whose values the model constrains with an enum the SDK exports (path = struct name.member). */
const ENUMS: Readonly<Record<string, Record<string, string>>> = {
  'AwsSecurityFinding.RecordState': securityHub.RecordState,
  'AwsSecurityFinding.VerificationState': securityHub.VerificationState,
  'AwsSecurityFinding.WorkflowState': securityHub.WorkflowState,
  'Workflow.Status': securityHub.WorkflowStatus,
  'Severity.Label': securityHub.SeverityLabel,
  'FindingProviderSeverity.Label': securityHub.SeverityLabel,
  'Compliance.Status': securityHub.ComplianceStatus,
};

function loadNormalizedSchema(): (schema: unknown) => Normalized {
  const require = createRequire(import.meta.resolve('@aws-sdk/client-securityhub'));
  const { NormalizedSchema } = require('@smithy/core/schema') as {
    NormalizedSchema: { of(schema: unknown): Normalized };
  };
  return (schema) => NormalizedSchema.of(schema);
}

/**
 * A static structure schema is `[3, namespace, name, traits, memberNames, memberSchemas, requiredCount?]`: the
 * code generator lists the model's `@required` members first and records how many there are.
 */
function requiredMembers(structure: Normalized, names: readonly string[]): string[] {
  const raw = structure.getSchema();
  const count = Array.isArray(raw) && typeof raw[6] === 'number' ? raw[6] : 0;
  return names.slice(0, count);
}

function generate(): JsonSchema {
  const of = loadNormalizedSchema();
  const defs: Record<string, JsonSchema> = {};

  const toSchema = (node: Normalized, owner: string, member: string): JsonSchema => {
    if (node.isStructSchema()) {
      const name = node.getName() ?? `${owner}.${member}`;
      if (!(name in defs)) {
        defs[name] = {};
        const properties: Record<string, JsonSchema> = {};
        const names: string[] = [];
        for (const [memberName, memberSchema] of node.structIterator()) {
          names.push(memberName);
          properties[memberName] = toSchema(memberSchema, name, memberName);
        }
        const required = requiredMembers(node, names);
        defs[name] = {
          type: 'object',
          additionalProperties: false,
          properties,
          ...(required.length > 0 ? { required } : {}),
        };
      }
      return { $ref: `#/$defs/${name}` };
    }
    if (node.isListSchema()) return { type: 'array', items: toSchema(node.getValueSchema(), owner, member) };
    if (node.isMapSchema())
      return { type: 'object', additionalProperties: toSchema(node.getValueSchema(), owner, member) };
    if (node.isBooleanSchema()) return { type: 'boolean' };
    if (node.isNumericSchema()) return { type: 'number' };
    if (node.isTimestampSchema()) return { type: 'string' };
    if (node.isDocumentSchema()) return {};
    const values = ENUMS[`${owner}.${member}`];
    if (values) return { type: 'string', enum: Object.values(values).sort() };
    return { type: 'string' };
  };

  const root = toSchema(of(securityHub.AwsSecurityFinding$), '', 'AwsSecurityFinding');
  const missing = Object.keys(ENUMS).filter((path) => {
    const [struct, member] = path.split('.') as [string, string];
    const properties = defs[struct]?.properties as Record<string, JsonSchema> | undefined;
    return properties?.[member] === undefined;
  });
  if (missing.length > 0) throw new Error(`enum paths not in the model: ${missing.join(', ')}`);
  const sdkVersion = (
    createRequire(import.meta.url)('@aws-sdk/client-securityhub/package.json') as { version: string }
  ).version;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://aisaws.dev/schemas/asff-finding.schema.json',
    title: 'AWS Security Finding Format (ASFF): AwsSecurityFinding',
    $comment: [
      'GENERATED by scripts/gen-asff-schema.ts: do not edit.',
      `Source: the Security Hub service model (com.amazonaws.securityhub#AwsSecurityFinding) as shipped in @aws-sdk/client-securityhub ${sdkVersion} (its runtime schema: members, types, @required members), with the enumerations the same package exports.`,
      'Objects are closed (additionalProperties false); string lengths and formats are not part of the runtime model and are not checked here.',
    ].join(' '),
    ...root,
    $defs: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))),
  };
}

const schema = generate();
const text = `${JSON.stringify(schema, null, 1)}\n`;
if (process.argv.includes('--check')) {
  const { readFileSync } = await import('node:fs');
  const current = readFileSync(OUTPUT, 'utf8');
  if (current !== text) {
    console.error(`${OUTPUT} is stale: run tsx scripts/gen-asff-schema.ts`);
    process.exit(1);
  }
  console.log(`${OUTPUT} is current`);
} else {
  writeFileSync(OUTPUT, text);
  console.log(
    `wrote ${OUTPUT} (${Object.keys(schema.$defs as object).length} definitions, ${text.length} bytes)`,
  );
}

export { generate };
