/**
 * HAR 1.2 checked against the JSON Schema that nobody here wrote: `har-schema` (the schemas behind
 * the `har-validator` package that `request` and HTTP tooling used), compiled by ajv. The site's own
 * `harProblems` (src/sandbox/trace/har-schema.ts) is written from the same specification; this is the
 * independent check on it. The schemas spell `minimum` as `min`, so ajv runs non-strict.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import schemas from 'har-schema';

let validate: ValidateFunction | undefined;

/** The schema's complaints about `har`, as "path: message"; empty when it is valid HAR 1.2. */
export function harSchemaErrors(har: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addMetaSchema(draft06);
    for (const schema of Object.values(schemas)) ajv.addSchema(schema);
    validate = ajv.getSchema('har.json#');
    if (!validate) throw new Error('har-schema has no har.json');
  }
  if (validate(JSON.parse(JSON.stringify(har)))) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message}`);
}
