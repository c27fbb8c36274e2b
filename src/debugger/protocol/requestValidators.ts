// Each request's validator, compiled from its schema with ajv on first use. This is the form
// the tests run (through tsx); the bundles esbuild.mjs makes replace this module with the same
// validators compiled at build time (scripts/requestValidators.mjs: ajv's standalone code), so
// that the adapter neither loads ajv's compiler nor spends its first requests compiling.
import Ajv, { type ValidateFunction } from 'ajv';
import { REQUEST_SCHEMAS, SCHEMA_OPTIONS } from './schemas.js';

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** The validator of a request's arguments; undefined for a request without a schema. */
export function requestValidator(command: string): ValidateFunction | undefined {
  let v = compiled.get(command);
  if (!v && Object.hasOwn(REQUEST_SCHEMAS, command)) {
    // The schemas are ours and fixed: checking them against JSON Schema's meta-schema here
    // would compile that meta-schema first, some 150-200 ms (test/unit/validate.test.ts
    // checks them against it instead).
    ajv ??= new Ajv({ ...SCHEMA_OPTIONS, validateSchema: false });
    v = ajv.compile(REQUEST_SCHEMAS[command]);
    compiled.set(command, v);
  }
  return v;
}
