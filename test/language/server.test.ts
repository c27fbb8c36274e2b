// The language server over its real protocol: spawned on stdio (the TypeScript entry through
// tsx), driven with vscode-languageserver-protocol on a fixture file.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
  DidOpenTextDocumentNotification, HoverRequest, CompletionRequest, DefinitionRequest, ReferencesRequest,
  DocumentSymbolRequest, PublishDiagnosticsNotification, DidChangeTextDocumentNotification,
  type ProtocolConnection, type PublishDiagnosticsParams, type CompletionItem, type DocumentSymbol, type Location, type Hover, type MarkupContent,
} from 'vscode-languageserver-protocol/node.js';

const ROOT = join(__dirname, '..', '..');
const SAMPLE = readFileSync(join(__dirname, 'fixtures', 'sample.S'), 'utf8');
const URI = 'file:///work/sample.S';
let server: ChildProcess;
let conn: ProtocolConnection;
const published: PublishDiagnosticsParams[] = [];

function waitForDiagnostics(version: number): Promise<PublishDiagnosticsParams> {
  return new Promise((resolve) => {
    const poll = (): void => {
      const hit = published.find((p) => p.uri === URI && p.version === version);
      if (hit) resolve(hit); else setTimeout(poll, 20);
    };
    poll();
  });
}

before(async () => {
  server = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'language', 'server.ts'), '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  conn = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => { published.push(p); });
  conn.listen();
  const init = await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
  assert.ok(init.capabilities.hoverProvider);
  await conn.sendNotification(InitializedNotification.type, {});
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: 'riscv-asm', version: 1, text: SAMPLE } });
});

after(() => { conn.dispose(); server.kill(); });

const at = (line: number, character: number) => ({ textDocument: { uri: URI }, position: { line, character } });
const col = (line: number, text: string): number => SAMPLE.split('\n')[line].indexOf(text) + 1;
const hoverText = (h: Hover | null): string => (h?.contents as MarkupContent | undefined)?.value ?? '';

test('diagnostics: the fixture only gets information about symbols the linker supplies', async () => {
  const d = await waitForDiagnostics(1);
  assert.deepEqual(d.diagnostics.filter((x) => x.severity !== 3), []);
  assert.ok(d.diagnostics.some((x) => /`main` is not defined in this file/.test(x.message) && x.range.start.line === 13));
});

test('diagnostics follow edits, each on its range', async () => {
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: URI, version: 2 },
    contentChanges: [{ text: `${SAMPLE}    addi a0, a0, 5000\n    addx a0, a0, a1\n    add a0, a1\n    ld a0, 8(q5)\n    bnez a0, 9f\n` }],
  });
  const d = (await waitForDiagnostics(2)).diagnostics.filter((x) => x.severity === 1);
  const byLine = new Map(d.map((x) => [x.range.start.line, x]));
  const base = SAMPLE.split('\n').length - 1;
  assert.match(byLine.get(base)!.message, /imm 5000 is out of range -2048\.\.2047/);
  assert.deepEqual([byLine.get(base)!.range.start.character, byLine.get(base)!.range.end.character], [17, 21]);
  assert.match(byLine.get(base + 1)!.message, /unknown instruction `addx`: did you mean/);
  assert.match(byLine.get(base + 2)!.message, /`add` takes 3 operands/);
  assert.match(byLine.get(base + 3)!.message, /`q5` is not a register/);
  assert.match(byLine.get(base + 4)!.message, /no label `9:` after this point/);
  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 3 }, contentChanges: [{ text: SAMPLE }] });
  await waitForDiagnostics(3);
});

test('hover: instruction, pseudo-instruction, register, CSR with fields, relocation, label', async () => {
  const addi = hoverText(await conn.sendRequest(HoverRequest.type, at(11, col(11, 'addi'))));
  assert.match(addi, /\*\*addi\*\*: rd = rs1 \+ imm/);
  assert.match(addi, /I-type instruction, RV64I base/);
  const la = hoverText(await conn.sendRequest(HoverRequest.type, at(9, col(9, 'la'))));
  assert.match(la, /pseudo-instruction/);
  assert.match(la, /expands to `auipc/);
  const t0 = hoverText(await conn.sendRequest(HoverRequest.type, at(7, col(7, 't0'))));
  assert.match(t0, /x5 .*temporary.*caller-saved/);
  const fs0 = hoverText(await conn.sendRequest(HoverRequest.type, at(16, col(16, 'fs0'))));
  assert.match(fs0, /f8 .*callee-saved/);
  const csr = hoverText(await conn.sendRequest(HoverRequest.type, at(7, col(7, 'mhartid'))));
  assert.match(csr, /CSR 0xf14, M-mode, read-only/);
  const edited = `${SAMPLE}    csrw satp, a0\n    csrr a0, scause\n`;
  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 4 }, contentChanges: [{ text: edited }] });
  const base = SAMPLE.split('\n').length - 1;
  const satp = hoverText(await conn.sendRequest(HoverRequest.type, at(base, 10)));
  assert.match(satp, /0x180, S-mode, read\/write/);
  assert.match(satp, /\| 63:60 \| MODE \| 0 Bare .* 8 Sv39/);
  assert.match(satp, /\| 59:44 \| ASID/);
  const scause = hoverText(await conn.sendRequest(HoverRequest.type, at(base + 1, 15)));
  assert.match(scause, /13 load page fault/);
  assert.match(scause, /5 supervisor timer/);
  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 5 }, contentChanges: [{ text: SAMPLE }] });
  const hi = hoverText(await conn.sendRequest(HoverRequest.type, at(14, col(14, '%hi'))));
  assert.match(hi, /bits 31:12/);
  const park = hoverText(await conn.sendRequest(HoverRequest.type, at(8, col(8, 'park'))));
  assert.match(park, /label.*defined on line 20/);
});

test('completion: mnemonics with snippets, then what each operand slot accepts', async () => {
  const items = (await conn.sendRequest(CompletionRequest.type, at(20, 4))) as CompletionItem[];
  const addi = items.find((i) => i.label === 'addi');
  assert.equal(addi?.textEdit && 'newText' in addi.textEdit ? addi.textEdit.newText : '', 'addi ${1:rd}, ${2:rs1}, ${3:imm}');
  assert.ok(items.some((i) => i.label === 'csrr'));
  const edited = SAMPLE.replace('    wfi\n', '    wfi\n    csrr a0, \n    .glo\n    fadd.d fa0, fa1, fa2, \n    j \n');
  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 6 }, contentChanges: [{ text: edited }] });
  const labels = async (line: number, c: number) => ((await conn.sendRequest(CompletionRequest.type, at(line, c))) as CompletionItem[]).map((i) => i.label);
  const csrs = await labels(21, 13);
  assert.ok(csrs.includes('sstatus') && csrs.includes('satp') && !csrs.includes('a0'));
  const dirs = await labels(22, 8);
  assert.ok(dirs.includes('.globl') && dirs.includes('.section'));
  const rms = await labels(23, 26);
  assert.ok(rms.includes('rne') && rms.includes('dyn'));
  const targets = await labels(24, 6);
  assert.ok(targets.includes('park') && targets.includes('_start') && targets.includes('stack_top'));
  const regs = await labels(11, 13);
  assert.ok(regs.includes('a0') && regs.includes('sp') && !regs.includes('fa0'));
  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 7 }, contentChanges: [{ text: SAMPLE }] });
});

test('go to definition and find references: labels, numeric labels, .equ constants', async () => {
  const def = (await conn.sendRequest(DefinitionRequest.type, at(8, col(8, 'park')))) as Location[];
  assert.deepEqual(def.map((l) => l.range.start), [{ line: 19, character: 0 }]);
  const local = (await conn.sendRequest(DefinitionRequest.type, at(12, col(12, '1b')))) as Location[];
  assert.deepEqual(local.map((l) => l.range.start), [{ line: 11, character: 0 }]);
  const refs = (await conn.sendRequest(ReferencesRequest.type, { ...at(19, 1), context: { includeDeclaration: false } })) as Location[];
  assert.deepEqual(refs.map((l) => l.range.start.line).sort((a, b) => a - b), [8, 21]);
  const msg = (await conn.sendRequest(ReferencesRequest.type, { ...at(26, 1), context: { includeDeclaration: true } })) as Location[];
  assert.deepEqual(msg.map((l) => l.range.start.line).sort((a, b) => a - b), [14, 15, 26]);
  const stack = (await conn.sendRequest(DefinitionRequest.type, at(24, col(24, 'STACK_SIZE')))) as Location[];
  assert.deepEqual(stack.map((l) => l.range.start.line), [1]);
});

test('document symbols: sections holding their labels and constants, .globl marked', async () => {
  const syms = (await conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: URI } })) as DocumentSymbol[];
  const text = syms.find((s) => s.name === '.text.entry')!;
  assert.ok(text, JSON.stringify(syms.map((s) => s.name)));
  assert.deepEqual(text.children!.map((c) => c.name), ['FRAME', '_start', 'park']);
  assert.equal(text.children!.find((c) => c.name === '_start')!.detail, '.globl');
  const bss = syms.find((s) => s.name === '.bss')!;
  assert.deepEqual(bss.children!.map((c) => c.name), ['stack', 'stack_top', 'message']);
  assert.ok(syms.some((s) => s.name === 'STACK_SIZE'));
});
