// "Run Back to the Last Write": from a variable in the Variables view (its context menu), a heap
// block or a page-table entry (their context menus), a frame (the Physical Frames page), or an
// expression typed in (VS Code gives extensions no menu on Watch expressions, so a Watch
// expression is run back to by its text). The adapter's chronos/lastWrite does the work; this
// says what it found, or that nothing in the recorded window wrote those bytes.
import * as vscode from 'vscode';
import { session, type Item, type WriteTarget } from './memoryViews.js';

/** What VS Code passes a debug/variables/context command: the variable and the scope or variable holding it. */
interface VariableContext { container?: { variablesReference?: number; name?: string }; variable?: { name?: string; evaluateName?: string } }

export type RunBackArgument = Item | WriteTarget | VariableContext | string;

export interface RunBackResult { found: boolean; position: number; message: string }

/** The chronos/lastWrite arguments an argument names, or undefined when the user must be asked. */
function requestOf(arg: RunBackArgument | undefined): Record<string, unknown> | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'string') return { expression: arg };
  if ('write' in arg && arg.write) return { ...arg.write };
  if ('address' in arg && typeof arg.address === 'string') return { ...arg };
  const v = arg as VariableContext;
  if (v.variable?.name !== undefined && v.container?.variablesReference) return { variablesReference: v.container.variablesReference, name: v.variable.name };
  if (v.variable?.evaluateName) return { expression: v.variable.evaluateName };
  return undefined;
}

export async function runBackToWrite(arg?: RunBackArgument): Promise<RunBackResult | undefined> {
  const s = session();
  if (!s) { void vscode.window.showWarningMessage('Chronos: Run Back to the Last Write needs a Chronos debug session, stopped.'); return undefined; }
  let args = requestOf(arg);
  if (!args) {
    const expression = await vscode.window.showInputBox({ prompt: 'Run back to the last write of: a variable or a Watch expression (FRAME_STATS, kmem.freelist)' });
    if (!expression) return undefined;
    args = { expression };
  }
  try {
    const r = await s.customRequest('chronos/lastWrite', args) as RunBackResult;
    if (r.found) void vscode.window.showInformationMessage(`Chronos: ${r.message}`);
    else void vscode.window.showWarningMessage(`Chronos: ${r.message}`);
    return r;
  } catch (e) {
    void vscode.window.showErrorMessage(`Chronos: ${(e as Error).message}`);
    return { found: false, position: -1, message: (e as Error).message };
  }
}
