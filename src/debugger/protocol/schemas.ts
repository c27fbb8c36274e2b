// The arguments of every request the adapter answers, as JSON schemas (the Debug Adapter
// Protocol's shapes, tightened to what Chronos can honour: lines start at 1, counts are
// bounded, memory references are numbers). validate.ts checks each request against its schema
// before a handler sees it, so handlers never meet a wrong type.
import { launchSchema } from '../launchConfig.js';

type Schema = Record<string, unknown>;

/** The ajv options the schemas are compiled with, at run time and at build time alike. */
export const SCHEMA_OPTIONS = { allErrors: false, strict: false } as const;

const str = (maxLength = 100_000): Schema => ({ type: 'string', maxLength });
const int = (minimum?: number, maximum?: number): Schema => ({ type: 'integer', ...(minimum !== undefined ? { minimum } : {}), ...(maximum !== undefined ? { maximum } : {}) });
const bool: Schema = { type: 'boolean' };
/** An address as DAP writes one: a string of decimal or 0x-hex digits (at most 64 bits). */
const memoryReference: Schema = { type: 'string', pattern: '^\\s*(0[xX][0-9a-fA-F]{1,16}|[0-9]{1,20})\\s*$' };
/** A byte offset from a memory reference: any safe integer, negative ones too. */
const offset = int(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
const threadId = int(0, 2 ** 31);
const format: Schema = { type: 'object' };
const source: Schema = {
  type: 'object',
  properties: { name: str(), path: str(), sourceReference: int(0), adapterData: {}, origin: str() },
};
const conditions = { condition: str(), hitCondition: str(1000), logMessage: str(), mode: str(100) };

const obj = (properties: Record<string, Schema>, required: string[] = []): Schema =>
  ({ type: 'object', properties, required, additionalProperties: true });

const stepArgs = obj({ threadId, singleThread: bool, granularity: { enum: ['statement', 'line', 'instruction'] }, targetId: int() }, ['threadId']);

export const REQUEST_SCHEMAS: Record<string, Schema> = {
  initialize: obj({ adapterID: str(1000), clientID: str(1000), clientName: str(1000), locale: str(100), linesStartAt1: bool, columnsStartAt1: bool,
    pathFormat: str(100), supportsVariableType: bool, supportsMemoryReferences: bool }),
  launch: { ...launchSchema(), type: 'object', additionalProperties: true, properties: { ...launchSchema().properties, noDebug: bool } },
  configurationDone: obj({}),
  restart: obj({ arguments: { type: 'object' } }),
  terminate: obj({ restart: bool }),
  disconnect: obj({ restart: bool, terminateDebuggee: bool, suspendDebuggee: bool }),
  setBreakpoints: obj({
    source,
    breakpoints: { type: 'array', maxItems: 10_000, items: obj({ line: int(1, 2 ** 31), column: int(1, 2 ** 31), ...conditions }, ['line']) },
    lines: { type: 'array', maxItems: 10_000, items: int(1, 2 ** 31) },
    sourceModified: bool,
  }, ['source']),
  setFunctionBreakpoints: obj({ breakpoints: { type: 'array', maxItems: 10_000, items: obj({ name: { type: 'string', minLength: 1, maxLength: 10_000 }, ...conditions }, ['name']) } }, ['breakpoints']),
  setInstructionBreakpoints: obj({ breakpoints: { type: 'array', maxItems: 10_000, items: obj({ instructionReference: memoryReference, offset, ...conditions }, ['instructionReference']) } }, ['breakpoints']),
  setExceptionBreakpoints: obj({
    filters: { type: 'array', maxItems: 1000, items: str(1000) },
    filterOptions: { type: 'array', maxItems: 1000, items: obj({ filterId: str(1000), condition: str(), mode: str(100) }, ['filterId']) },
    exceptionOptions: { type: 'array', maxItems: 1000 },
  }, ['filters']),
  dataBreakpointInfo: obj({ variablesReference: int(0), name: str(), frameId: int(0), bytes: int(1, 1 << 20), asAddress: bool, mode: str(100) }, ['name']),
  setDataBreakpoints: obj({ breakpoints: { type: 'array', maxItems: 1000, items: obj({
    dataId: { type: 'string', pattern: '^[vp]:[0-9a-f]{1,16}:[0-9]{1,8}$' }, accessType: { enum: ['read', 'write', 'readWrite'] }, condition: str(), hitCondition: str(1000),
  }, ['dataId']) } }, ['breakpoints']),
  threads: obj({}),
  continue: obj({ threadId, singleThread: bool }, ['threadId']),
  pause: obj({ threadId }, ['threadId']),
  next: stepArgs,
  stepIn: stepArgs,
  stepOut: stepArgs,
  stepBack: stepArgs,
  reverseContinue: obj({ threadId, singleThread: bool }, ['threadId']),
  exceptionInfo: obj({ threadId }, ['threadId']),
  stackTrace: obj({ threadId, startFrame: int(0), levels: int(0), format }, ['threadId']),
  scopes: obj({ frameId: int(0) }, ['frameId']),
  variables: obj({ variablesReference: int(0), filter: { enum: ['indexed', 'named'] }, start: int(0), count: int(0), format }, ['variablesReference']),
  setVariable: obj({ variablesReference: int(0), name: str(10_000), value: str(), format }, ['variablesReference', 'name', 'value']),
  evaluate: obj({ expression: str(), frameId: int(0), context: str(100), format, line: int(), column: int(), source }, ['expression']),
  readMemory: obj({ memoryReference, offset, count: int(0, 1 << 24) }, ['memoryReference', 'count']),
  writeMemory: obj({ memoryReference, offset, allowPartial: bool, data: { type: 'string', maxLength: 1 << 25, pattern: '^[A-Za-z0-9+/]*={0,2}$' } }, ['memoryReference', 'data']),
  disassemble: obj({ memoryReference, offset, instructionOffset: int(-100_000, 100_000), instructionCount: int(0, 10_000), resolveSymbols: bool }, ['memoryReference', 'instructionCount']),
  'chronos/uartInput': obj({ text: str(1 << 20) }, ['text']),
  'chronos/pageTables': obj({ satp: memoryReference, root: memoryReference }),
  'chronos/translate': obj({ address: str(10_000), satp: memoryReference }, ['address']),
  'chronos/frames': obj({}),
  'chronos/heap': obj({}),
  'chronos/stats': obj({}),
  'chronos/lastWrite': obj({
    address: memoryReference, size: int(1, 1 << 16), physical: bool, bit: int(0, (1 << 16) * 8 - 1),
    expression: str(10_000), frameId: int(0), variablesReference: int(0), name: str(10_000), label: str(1000),
  }),
  'chronos/timeline': obj({ from: int(0, Number.MAX_SAFE_INTEGER), to: int(0, Number.MAX_SAFE_INTEGER), points: int(2, 10_000) }),
  'chronos/goto': obj({ instruction: int(0, Number.MAX_SAFE_INTEGER) }, ['instruction']),
};
