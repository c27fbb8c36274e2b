// The Chronos extension: the `chronos` debugger (its adapter runs inline in the extension
// host), the memory views, the UART terminal, the instruction-rate status item, and the
// RISC-V assembly language client.
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { ChronosDebugSession } from '../debugger/session.js';
import type { HostFiles } from '../debugger/runtime.js';
import { openDrive } from '../debugger/fileDisk.js';
import { ChronosConfigurationProvider } from './configProvider.js';
import { UartTerminal } from './uartTerminal.js';
import { FramesView, HeapView, PageTablesView, type WriteTarget } from './memoryViews.js';
import { TimelineView } from './timelineView.js';
import { runBackToWrite, type RunBackArgument } from './runBack.js';
import { ProcessesView } from './processesView.js';
import { bindCondition } from './conditions.js';
import { startAsmLanguageClient } from '../language/client.js';
import { openDemo, unpackDemo } from './demo.js';
import { MEMORY_SCHEME, MemoryDocuments } from './memoryDocument.js';

/** What activate() hands to other extensions, and to our extension-host tests. */
export interface ChronosApi {
  views: { pageTables: PageTablesView; heap: HeapView; frames: FramesView; processes: ProcessesView; timeline: TimelineView };
  unpackDemo: (parent: string) => string;
}

const files: HostFiles = { readFile: (p) => readFileSync(p), exists: (p) => existsSync(p), openDisk: openDrive };

export function activate(context: vscode.ExtensionContext): ChronosApi {
  const runBack = (t: WriteTarget): unknown => vscode.commands.executeCommand('chronos.runBackToWrite', t);
  const pageTables = new PageTablesView(), heap = new HeapView(), frames = new FramesView(runBack), processes = new ProcessesView(), timeline = new TimelineView();
  /** Read every view again; `atStop` when the guest has just stopped (frames marks what changed). */
  const refresh = (atStop = false): void => {
    void pageTables.refresh(); void heap.refresh(); void frames.refresh(atStop); void processes.refresh(); void timeline.refresh();
  };
  const terminals = new Map<string, UartTerminal>();
  const memoryDocuments = new MemoryDocuments();
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  let timer: NodeJS.Timeout | undefined;

  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider('chronos', new ChronosConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory('chronos', {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new ChronosDebugSession(files) as unknown as vscode.DebugAdapter),
    }),
    vscode.debug.registerDebugAdapterTrackerFactory('chronos', {
      createDebugAdapterTracker: (s) => ({
        onDidSendMessage: (m: { type: string; event?: string; body?: { category?: string; output?: string } }) => {
          if (m.type !== 'event') return;
          if (m.event === 'stopped') { refresh(true); memoryDocuments.refreshOpen(); }
          if (m.event === 'output' && m.body?.category === 'stdout') {
            let t = terminals.get(s.id);
            if (!t) { t = new UartTerminal(s); terminals.set(s.id, t); t.show(true); }
            t.write(m.body.output ?? '');
          }
        },
      }),
    }),
    vscode.window.registerTreeDataProvider('chronos.pageTables', pageTables),
    vscode.window.registerTreeDataProvider('chronos.heap', heap),
    vscode.window.registerTreeDataProvider('chronos.processes', processes),
    vscode.commands.registerCommand('chronos.showAddressSpace', (root?: string) => { pageTables.root = root; void pageTables.refresh(); }),
    // Bind every enabled breakpoint to one process: each gains (or has replaced) `$pid == N`.
    vscode.commands.registerCommand('chronos.breakInProcess', (item?: { pid?: number }) => {
      const pid = item?.pid;
      if (pid === undefined) return;
      const old = vscode.debug.breakpoints.filter((b) => b.enabled && (b instanceof vscode.SourceBreakpoint || b instanceof vscode.FunctionBreakpoint));
      const bound = old.map((b) => (b instanceof vscode.SourceBreakpoint
        ? new vscode.SourceBreakpoint(b.location, true, bindCondition(b.condition, pid), b.hitCondition, b.logMessage)
        : new vscode.FunctionBreakpoint((b as vscode.FunctionBreakpoint).functionName, true, bindCondition(b.condition, pid), b.hitCondition, b.logMessage)));
      vscode.debug.removeBreakpoints(old);
      vscode.debug.addBreakpoints(bound);
    }),
    vscode.window.registerWebviewViewProvider('chronos.frames', frames),
    vscode.window.registerWebviewViewProvider('chronos.timeline', timeline),
    vscode.commands.registerCommand('chronos.runBackToWrite', (arg?: RunBackArgument) => runBackToWrite(arg)),
    vscode.commands.registerCommand('chronos.refreshViews', () => refresh()),
    vscode.commands.registerCommand('chronos.openDemo', (parent?: string) => openDemo(context, parent)),
    vscode.commands.registerCommand('chronos.togglePageTableMode', () => { pageTables.flat = !pageTables.flat; void pageTables.refresh(); }),
    vscode.workspace.registerTextDocumentContentProvider(MEMORY_SCHEME, memoryDocuments),
    vscode.commands.registerCommand('chronos.openMemory', async (address: string) => {
      const s = vscode.debug.activeDebugSession;
      if (!s) return;
      // The Hex Editor extension edits memory in place when it is installed; otherwise a dump.
      if (vscode.extensions.getExtension('ms-vscode.hexeditor')) {
        const uri = vscode.Uri.from({ scheme: 'vscode-debug-memory', authority: s.id, path: `/${encodeURIComponent(address)}/memory.bin`, query: `?range=${address}:${BigInt(address) + 4096n}` });
        await vscode.commands.executeCommand('vscode.openWith', uri, 'hexEditor.hexedit');
        return;
      }
      const doc = await vscode.workspace.openTextDocument(MemoryDocuments.uri(address));
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    vscode.commands.registerCommand('chronos.translateAddress', async () => {
      const s = vscode.debug.activeDebugSession;
      const address = await vscode.window.showInputBox({ prompt: 'Virtual address (or expression) to translate under satp' });
      if (!s || !address) return;
      const r = await s.customRequest('chronos/translate', { address });
      const lines = (r.steps as { level: number; index: number; pteAddress: string; pte: string; flags: string; meaning: string }[])
        .map((st) => `level ${st.level} [${st.index}] PTE @ ${st.pteAddress} = ${st.pte} ${st.flags}: ${st.meaning}`);
      lines.push(r.pa ? `${r.va} → ${r.pa} (${r.pageSize ?? 'bare'})` : `${r.va}: ${r.fault}`);
      const out = vscode.window.createOutputChannel('Chronos: translation');
      out.clear(); out.appendLine(lines.join('\n')); out.show(true);
    }),
    vscode.commands.registerCommand('chronos.findFrame', async () => {
      const s = vscode.debug.activeDebugSession;
      const text = await vscode.window.showInputBox({ prompt: 'Physical address: which frame holds it, and is it free?' });
      if (!s || !text) return;
      const r = await s.customRequest('chronos/frames');
      if (!r.available) { void vscode.window.showInformationMessage(r.message); return; }
      const ppn = BigInt(text) >> 12n, i = Number(ppn - BigInt(r.basePpn));
      const msg = i < 0 || i >= r.frameCount ? `0x${ppn.toString(16)} is not a frame the allocator manages` : `PPN 0x${ppn.toString(16)} (frame ${i}) is ${r.bitmap[i] === '1' ? 'allocated' : 'free'}`;
      void vscode.window.showInformationMessage(msg);
    }),
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.type !== 'chronos') return;
      let last = 0, lastTime = Date.now();
      timer = setInterval(async () => {
        try {
          const r = await s.customRequest('chronos/stats');
          const now = Date.now(), rate = (r.instructions - last) / ((now - lastTime) / 1000);
          last = r.instructions; lastTime = now;
          status.text = r.running ? `$(pulse) Chronos ${(rate / 1e6).toFixed(1)} MIPS` : `$(debug-pause) Chronos ${r.instructions} instructions`;
          // Time travel: in the past, changes are refused until the machine is back at the present.
          const h = r.history as { inPast?: boolean; position: number; first?: number; last?: number } | undefined;
          if (h?.inPast) status.text += ` $(history) in the past: ${h.position} of ${h.last}`;
          status.tooltip = h?.first !== undefined ? `recorded history: instructions ${h.first} to ${h.last}` : undefined;
          status.show();
          if (r.running) refresh();
        } catch { /* the session is ending */ }
      }, 1000);
    }),
    vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.type !== 'chronos') return;
      if (timer) clearInterval(timer);
      pageTables.root = undefined;
      status.hide();
      refresh();
    }),
    status,
  );

  const asm = (d: vscode.TextDocument): boolean => d.languageId === 'riscv-asm';
  let started = false;
  const startClient = (): void => {
    if (started) return;
    started = true;
    void startAsmLanguageClient(context, context.asAbsolutePath('dist/asmServer.js'));
  };
  if (vscode.workspace.textDocuments.some(asm)) startClient();
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument((d) => { if (asm(d)) startClient(); }));
  return { views: { pageTables, heap, frames, processes, timeline }, unpackDemo: (parent) => unpackDemo(context.extensionPath, parent) };
}

export function deactivate(): void {}
