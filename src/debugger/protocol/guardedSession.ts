// A DebugSession that survives whatever arrives: frames are read by framing.ts (so invalid JSON,
// a message that is not an object or a lying Content-Length is reported and skipped, never
// the end of the session); a request without a command, or with arguments its schema refuses,
// gets an error response saying what is wrong; and an exception in a handler becomes "internal
// error in <request>: <message>" for the client, with its stack in the log only. The library's
// own parser ends the adapter at the first bad frame, and its error responses carry stacks.
import { DebugSession, ErrorDestination, OutputEvent, Response } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { PassThrough } from 'node:stream';
import { MessageReader } from './framing.js';
import { checkArguments } from './validate.js';

/** A request the user got wrong (an unknown thread, frame or variable): answered, not logged. */
export class RequestError extends Error {
  override name = 'RequestError';
}

/** Where the adapter's own diagnostics go: stderr for the stand-alone adapter, the extension's log inline. */
export type Log = (line: string) => void;

export const ERROR_MALFORMED = 1000, ERROR_ARGUMENTS = 1010, ERROR_REQUEST = 1011, ERROR_INTERNAL = 1099;
/** The code @vscode/debugadapter answers with when a handler threw. */
const LIBRARY_CAUGHT = 1104;

export abstract class GuardedSession extends DebugSession {
  private readonly reader = new MessageReader();

  constructor(protected readonly log: Log = (line) => process.stderr.write(`${line}\n`)) {
    super();
  }

  /** Read the input ourselves, frame by frame; the library only writes. */
  override start(inStream: NodeJS.ReadableStream, outStream: NodeJS.WritableStream): void {
    const silent = new PassThrough();
    super.start(silent, outStream);
    inStream.on('data', (chunk: Buffer) => {
      for (const item of this.reader.feed(chunk)) {
        if (item.kind === 'message') this.handleMessage(item.message as unknown as DebugProtocol.ProtocolMessage);
        else this.refuse(item.reason, item.seq, item.command);
      }
    });
    // The end of the input is the end of the session, as in the library.
    inStream.on('end', () => silent.end());
    inStream.on('close', () => silent.destroy());
  }

  /** Messages delivered whole (the inline adapter in VS Code) are checked here too. */
  override handleMessage(msg: DebugProtocol.ProtocolMessage): void {
    const m = msg as unknown as Record<string, unknown>;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) { this.refuse('a message must be a JSON object'); return; }
    const seq = typeof m.seq === 'number' && Number.isSafeInteger(m.seq) ? m.seq : undefined;
    if (m.type === 'request') {
      if (typeof m.command !== 'string' || m.command === '') { this.refuse('a request without a command', seq); return; }
      if (seq === undefined) { this.refuse(`request '${m.command}' without a numeric seq`, undefined, m.command); return; }
    } else if (m.type !== 'response') {
      this.refuse(`a message of type ${JSON.stringify(m.type)} (requests and responses only)`, seq);
      return;
    }
    super.handleMessage(msg);
  }

  /** Answer what cannot be handled: an error response when the request is known, else an output event. */
  private refuse(reason: string, seq?: number, command?: string): void {
    this.log(`chronos adapter: ignored a message: ${reason}`);
    if (seq !== undefined) {
      const r = new Response({ seq, type: 'request', command: command ?? 'unknown' } as DebugProtocol.Request);
      this.sendErrorResponse(r, ERROR_MALFORMED, `${command ? `${command}: ` : ''}${reason}`);
    } else {
      this.sendEvent(new OutputEvent(`Chronos: ignored a message from the debugger client: ${reason}\n`, 'console'));
    }
  }

  override dispatchRequest(request: DebugProtocol.Request): void {
    const problem = checkArguments(request.command, request.arguments);
    if (problem) { this.sendErrorResponse(new Response(request), ERROR_ARGUMENTS, problem); return; }
    super.dispatchRequest(request);
  }

  /**
   * The library catches what a handler throws and answers with the exception's stack (as error
   * 1104, `{_stack}`): take that answer over, so the client gets the message and the log the stack.
   */
  override sendErrorResponse(response: DebugProtocol.Response, codeOrMessage: number | DebugProtocol.Message, format?: string,
    variables?: Record<string, unknown>, dest?: ErrorDestination): void {
    if (codeOrMessage === LIBRARY_CAUGHT && variables && typeof variables._stack === 'string') {
      const stack = variables._stack;
      const e = stack.startsWith('RequestError') ? new RequestError(String(variables._exception)) : Object.assign(new Error(String(variables._exception)), { stack });
      this.fail(response, response.command, e);
      return;
    }
    super.sendErrorResponse(response, codeOrMessage, format, variables, dest);
  }

  /** An exception in a handler: the user's mistake said plainly, or ours logged with its stack. */
  protected fail(response: DebugProtocol.Response, command: string, e: unknown): void {
    if (e instanceof RequestError) { this.sendErrorResponse(response, ERROR_REQUEST, `${command}: ${e.message}`); return; }
    this.log(`chronos adapter: internal error in ${command}: ${(e as Error)?.stack ?? String(e)}`);
    this.sendErrorResponse(response, ERROR_INTERNAL, `internal error in ${command}: ${(e as Error)?.message ?? String(e)}`);
  }

  /** Work a request started that goes on after its response (running the guest): its failure is reported, not lost. */
  protected background(command: string, work: Promise<void>, recover: () => void): void {
    work.catch((e: unknown) => {
      this.log(`chronos adapter: internal error in ${command}: ${(e as Error)?.stack ?? String(e)}`);
      this.sendEvent(new OutputEvent(`Chronos: internal error in ${command}: ${(e as Error)?.message ?? String(e)}\n`, 'console'));
      recover();
    });
  }

}
