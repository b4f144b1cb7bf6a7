/**
 * Generates packages/testing/schemas/ocsf-detection-finding.schema.json, the JSON Schema of one OCSF Detection
 * Finding (class_uid 2004, category Findings = 2), compiled from the official OCSF schema sources
 * (github.com/ocsf/ocsf-schema at a release tag): the class, its `extends` chain (finding → base_event), every
 * `$include`d file, the dictionary's attribute types and enumerations, and every object reached, with their own
 * `extends` chains. No npm package publishes OCSF JSON Schemas, so the tests validate against this file.
 *
 * What the compiled schema checks: each attribute's JSON type (the dictionary's base types: string_t, integer_t,
 * long_t, float_t, boolean_t, json_t and the types derived from them), arrays (`is_array`), integer enumerations of
 * every `*_id` attribute that has one, `required` attributes (the profile attributes, optional until a profile is
 * applied, are allowed but never required), and closed objects (`additionalProperties: false`: an attribute the
 * schema does not define fails; data outside the schema belongs in `unmapped`). Not checked: the types' regular
 * expressions and ranges (OCSF writes them for its own validator, not as ECMAScript patterns).
 *
 * Run: `tsx scripts/gen-ocsf-schema.ts --ocsf DIR [--version 1.8.0]` with DIR a checkout of ocsf/ocsf-schema at that
 * tag (`git archive 1.8.0 | tar -x -C DIR`).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type JsonSchema = Record<string, unknown>;

interface AttributeEntry {
  readonly type?: string;
  readonly is_array?: boolean;
  readonly requirement?: string;
  readonly enum?: Record<string, unknown>;
  readonly profile?: string | null;
}

interface Definition {
  readonly name: string;
  readonly uid?: number;
  readonly extends?: string;
  readonly category?: string;
  readonly attributes: Record<string, AttributeEntry | string[]>;
}

const OUTPUT = join(
  dirname(fileURLToPath(import.meta.url)),
  '../packages/testing/schemas/ocsf-detection-finding.schema.json',
);

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const root = argument('--ocsf');
const version = argument('--version') ?? '1.8.0';
if (!root) {
  console.error(
    'usage: tsx scripts/gen-ocsf-schema.ts --ocsf DIR [--version 1.8.0] (DIR: ocsf-schema at that tag)',
  );
  process.exit(2);
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(root, path), 'utf8')) as T;

const sourceVersion = readJson<{ version: string }>('version.json').version;
if (sourceVersion !== version) {
  console.error(`${root} is OCSF ${sourceVersion}, not ${version}`);
  process.exit(2);
}

const dictionary = readJson<{
  attributes: Record<string, AttributeEntry>;
  types: { attributes: Record<string, { type?: string }> };
}>('dictionary.json');
const categories = readJson<{ attributes: Record<string, { uid: number }> }>('categories.json');

const objectFiles = new Map<string, string>();
for (const file of readdirSync(join(root, 'objects'))) {
  if (!file.endsWith('.json')) continue;
  const object = readJson<Definition>(`objects/${file}`);
  objectFiles.set(object.name, `objects/${file}`);
}

/** A refinement of an attribute: later keys win, enumerations add up (a class adds values to the dictionary's). */
const refine = (base: AttributeEntry | undefined, entry: AttributeEntry): AttributeEntry => ({
  ...base,
  ...entry,
  ...(base?.enum || entry.enum ? { enum: { ...base?.enum, ...entry.enum } } : {}),
});

/** Attributes of an `$include`d file (a profile's or a shared include's). */
function included(path: string): Record<string, AttributeEntry> {
  const file = readJson<Definition>(path);
  const fromProfile = path.startsWith('profiles/');
  const attributes: Record<string, AttributeEntry> = {};
  for (const [name, entry] of Object.entries(file.attributes)) {
    if (name === '$include') continue;
    const attribute = entry as AttributeEntry;
    // A profile's attributes exist once the profile is applied: allowed, never required by the class itself.
    attributes[name] = fromProfile ? { ...attribute, requirement: 'optional' } : attribute;
  }
  return attributes;
}

/** A definition's own attributes with its `$include`s, the later ones overriding the earlier ones. */
function ownAttributes(definition: Definition): Record<string, AttributeEntry> {
  const attributes: Record<string, AttributeEntry> = {};
  const includes = definition.attributes.$include;
  if (Array.isArray(includes)) for (const path of includes) Object.assign(attributes, included(path));
  for (const [name, entry] of Object.entries(definition.attributes)) {
    if (name === '$include') continue;
    attributes[name] = refine(attributes[name], entry as AttributeEntry);
  }
  return attributes;
}

/** Merged attributes along the `extends` chain (the ancestor first, each child refining). */
function resolvedAttributes(
  definition: Definition,
  load: (name: string) => Definition,
): Record<string, AttributeEntry> {
  const base =
    definition.extends && definition.extends !== definition.name
      ? resolvedAttributes(load(definition.extends), load)
      : {};
  const merged: Record<string, AttributeEntry> = { ...base };
  for (const [name, entry] of Object.entries(ownAttributes(definition)))
    merged[name] = refine(merged[name], entry);
  return merged;
}

const loadObject = (name: string): Definition => {
  const path = objectFiles.get(name);
  if (!path) throw new Error(`object ${name} is not in ${root}/objects`);
  return readJson<Definition>(path);
};

const defs: Record<string, JsonSchema> = {};

/** A dictionary type name → its JSON Schema type (derived types resolve to their base type). */
function primitive(type: string): JsonSchema {
  let current = type;
  for (let depth = 0; depth < 5; depth++) {
    switch (current) {
      case 'string_t':
        return { type: 'string' };
      case 'integer_t':
      case 'long_t':
        return { type: 'integer' };
      case 'float_t':
        return { type: 'number' };
      case 'boolean_t':
        return { type: 'boolean' };
      case 'json_t':
        return {};
    }
    const next = dictionary.types.attributes[current]?.type;
    if (!next) break;
    current = next;
  }
  throw new Error(`unknown OCSF type ${type}`);
}

function attributeSchema(name: string, entry: AttributeEntry): JsonSchema {
  const known = dictionary.attributes[name];
  if (!known) throw new Error(`attribute ${name} is not in the dictionary`);
  const type = entry.type ?? known.type;
  if (!type) throw new Error(`attribute ${name} has no type`);
  let schema: JsonSchema = type.endsWith('_t') ? primitive(type) : objectRef(type);
  const values = known.enum || entry.enum ? { ...known.enum, ...entry.enum } : undefined;
  if (values && schema.type === 'integer')
    schema = { type: 'integer', enum: Object.keys(values).map(Number) };
  const isArray = entry.is_array ?? known.is_array ?? false;
  return isArray ? { type: 'array', items: schema } : schema;
}

function closedObject(attributes: Record<string, AttributeEntry>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const name of Object.keys(attributes).sort()) {
    const entry = attributes[name] as AttributeEntry;
    properties[name] = attributeSchema(name, entry);
    if (entry.requirement === 'required') required.push(name);
  }
  return {
    type: 'object',
    additionalProperties: false,
    properties,
    ...(required.length ? { required } : {}),
  };
}

function objectRef(name: string): JsonSchema {
  if (!(name in defs)) {
    defs[name] = {};
    // `object` is OCSF's generic object (unmapped, data, …): any attributes.
    if (name === 'object') {
      defs[name] = { type: 'object' };
      return { $ref: `#/$defs/${name}` };
    }
    defs[name] = closedObject(resolvedAttributes(loadObject(name), loadObject));
  }
  return { $ref: `#/$defs/${name}` };
}

const classFiles: Record<string, string> = {
  base_event: 'events/base_event.json',
  finding: 'events/findings/finding.json',
  detection_finding: 'events/findings/detection_finding.json',
};
const loadClass = (name: string): Definition => {
  const path = classFiles[name];
  if (!path) throw new Error(`class ${name} is not mapped to a file`);
  return readJson<Definition>(path);
};

const detectionFinding = loadClass('detection_finding');
const categoryName = loadClass('finding').category ?? 'findings';
const categoryUid = categories.attributes[categoryName]?.uid;
if (categoryUid === undefined || detectionFinding.uid === undefined)
  throw new Error('no category or class uid');
const classUid = categoryUid * 1000 + detectionFinding.uid;

const attributes = resolvedAttributes(detectionFinding, loadClass);
const body = closedObject(attributes);
const properties = body.properties as Record<string, JsonSchema>;
const activityIds = (properties.activity_id?.enum as number[] | undefined) ?? [];
properties.class_uid = { type: 'integer', const: classUid };
properties.category_uid = { type: 'integer', const: categoryUid };
properties.type_uid = { type: 'integer', enum: activityIds.map((id) => classUid * 100 + id) };

const schema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `https://aisaws.dev/schemas/ocsf-${version}-detection-finding.schema.json`,
  title: `OCSF ${version} Detection Finding (class_uid ${classUid})`,
  $comment: [
    'GENERATED by scripts/gen-ocsf-schema.ts: do not edit.',
    `Source: github.com/ocsf/ocsf-schema at tag ${version} (events/findings/detection_finding.json, its extends chain, $includes, dictionary.json, objects/).`,
    "Checks types, arrays, integer enumerations, required attributes and closed objects; not the types' regular expressions or ranges. Profile attributes are allowed, not required.",
  ].join(' '),
  ...body,
  $defs: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))),
};

const text = `${JSON.stringify(schema, null, 1)}\n`;
writeFileSync(OUTPUT, text);
console.log(
  `wrote ${OUTPUT} (class_uid ${classUid}, ${Object.keys(defs).length} objects, ${text.length} bytes)`,
);
