// Every request's arguments checked against its schema (schemas.ts) in one place, with ajv, and
// the first problem said so that a user can act on it:
//   setBreakpoints: breakpoints[0].line must be an integer of at least 1, got -5
import type { ErrorObject } from 'ajv';
import { REQUEST_SCHEMAS } from './schemas.js';
import { requestValidator as validator } from './requestValidators.js';
import { describe } from './framing.js';

export { SCHEMA_OPTIONS } from './schemas.js';

/** Whether the adapter knows this request (an unknown one is answered as such). */
export function knownRequest(command: string): boolean { return Object.hasOwn(REQUEST_SCHEMAS, command); }

/** What is wrong with a request's arguments, or undefined when they are fine. */
export function checkArguments(command: string, args: unknown): string | undefined {
  const v = validator(command);
  if (!v) return undefined;
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) return `${command}: arguments must be an object, not ${describe(args)}`;
  if (v(args ?? {})) return undefined;
  return `${command}: ${explain(firstProblem(v.errors!), args ?? {})}`;
}

/**
 * The error to tell: where a value may take one of several forms (anyOf), not that it is not
 * the first form, but what is wrong with it in the form it has (its type's branch).
 */
function firstProblem(errors: ErrorObject[]): ErrorObject {
  const anyOf = errors.find((e) => e.keyword === 'anyOf');
  if (!anyOf) return errors[0];
  const inBranch = errors.filter((e) => e !== anyOf && e.instancePath.startsWith(anyOf.instancePath)
    && !(e.keyword === 'type' && e.instancePath === anyOf.instancePath));
  return inBranch[0] ?? anyOf;
}

/** `/breakpoints/0/line` as `breakpoints[0].line`. */
function pathOf(instancePath: string): string {
  return instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

function valueAt(root: unknown, instancePath: string): unknown {
  let v = root;
  for (const p of instancePath.split('/').slice(1)) v = (v as Record<string, unknown> | undefined)?.[p];
  return v;
}

function explain(e: ErrorObject, args: unknown): string {
  const where = pathOf(e.instancePath);
  const got = `, got ${describe(valueAt(args, e.instancePath))}`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': return `${where ? `${where}.` : ''}${String(p.missingProperty)} is required`;
    case 'type': return `${where} must be ${p.type === 'integer' ? 'an integer' : p.type === 'object' ? 'an object' : p.type === 'array' ? 'an array' : `a ${String(p.type)}`}${got}`;
    case 'minimum': return `${where} must be ${p.limit === 1 ? 'a positive integer' : `at least ${String(p.limit)}`}${got}`;
    case 'maximum': return `${where} must be at most ${String(p.limit)}${got}`;
    case 'maxLength': return `${where} is longer than ${String(p.limit)} characters`;
    case 'minLength': return `${where} must not be empty`;
    case 'additionalProperties': return `${where ? `${where}.` : ''}${String(p.additionalProperty)} is not one of its fields`;
    case 'anyOf': return `${where} is none of the forms it may take${got}`;
    case 'maxItems': return `${where} has more than ${String(p.limit)} entries`;
    case 'enum': return `${where} must be one of ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}${got}`;
    case 'pattern': return where.endsWith('memoryReference') || where.endsWith('instructionReference') || where === 'satp' || where === 'root' || where === 'address'
      ? `${where} must be an address (decimal or 0x hex, at most 64 bits)${got}`
      : `${where} is not well formed${got}`;
    default: return `${where || 'the arguments'} ${e.message ?? 'are not valid'}`;
  }
}
