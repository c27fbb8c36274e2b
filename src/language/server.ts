// The RISC-V assembly language server (LSP over stdio or IPC, started by the extension
// through vscode-languageclient, or by `node dist/asmServer.js --stdio`). It only translates:
// each request finds the document's analysis, asks the module that answers it, and converts
// the result to LSP types (0-based lines and columns on both sides).
import {
  CompletionItemKind, createConnection, DiagnosticSeverity, InsertTextFormat, Location, MarkupKind, ProposedFeatures,
  SymbolKind, TextDocuments, TextDocumentSyncKind, type CompletionItem, type Diagnostic, type DocumentSymbol, type Range,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from './analysis.js';
import { complete, type ItemKind } from './completion.js';
import { diagnose, type Severity } from './diagnostics.js';
import { hover } from './hover.js';
import { outline, type OutlineItem } from './outline.js';
import type { Span } from './parser.js';
import { symbolAt } from './symbols.js';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const cache = new Map<string, { version: number; analysis: Analysis }>();

function analysisOf(uri: string): Analysis | undefined {
  const doc = documents.get(uri);
  if (!doc) return undefined;
  const hit = cache.get(uri);
  if (hit && hit.version === doc.version) return hit.analysis;
  const analysis = analyze(doc.getText(), uri);
  cache.set(uri, { version: doc.version, analysis });
  return analysis;
}

const range = (s: Span): Range => ({ start: { line: s.line, character: s.start }, end: { line: s.line, character: s.end } });

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    hoverProvider: true,
    completionProvider: { triggerCharacters: ['.', '%'] },
    definitionProvider: true,
    referencesProvider: true,
    documentSymbolProvider: true,
  },
  serverInfo: { name: 'chronos-riscv-asm' },
}));

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information,
};

documents.onDidChangeContent(({ document }) => {
  const a = analysisOf(document.uri);
  if (!a) return;
  const diagnostics: Diagnostic[] = diagnose(a).map((d) => ({ range: range(d), message: d.message, severity: SEVERITY[d.severity], source: 'riscv-asm' }));
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
});

documents.onDidClose(({ document }) => {
  cache.delete(document.uri);
  void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

connection.onHover(({ textDocument, position }) => {
  const a = analysisOf(textDocument.uri);
  const h = a && hover(a, position.line, position.character);
  return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: range(h.range) } : null;
});

const ITEM_KIND: Record<ItemKind, CompletionItemKind> = {
  instruction: CompletionItemKind.Keyword, pseudo: CompletionItemKind.Function, directive: CompletionItemKind.Keyword,
  register: CompletionItemKind.Variable, csr: CompletionItemKind.Constant, label: CompletionItemKind.Reference,
  constant: CompletionItemKind.Constant, macro: CompletionItemKind.Module, keyword: CompletionItemKind.EnumMember,
};

connection.onCompletion(({ textDocument, position }): CompletionItem[] => {
  const a = analysisOf(textDocument.uri);
  if (!a) return [];
  return complete(a, position.line, position.character).map((i) => ({
    label: i.label,
    kind: ITEM_KIND[i.kind],
    detail: i.detail,
    documentation: i.documentation,
    insertTextFormat: i.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    textEdit: { range: range({ line: position.line, ...i.replace }), newText: i.snippet ?? i.label },
  }));
});

connection.onDefinition(({ textDocument, position }) => {
  const a = analysisOf(textDocument.uri);
  const s = a && symbolAt(a.symbols, position.line, position.character);
  return s ? s.definitions.map((d) => Location.create(textDocument.uri, range(d))) : null;
});

connection.onReferences(({ textDocument, position, context }) => {
  const a = analysisOf(textDocument.uri);
  const s = a && symbolAt(a.symbols, position.line, position.character);
  if (!s) return null;
  const spans: Span[] = [...(context.includeDeclaration ? s.definitions : []), ...s.references];
  return spans.map((r) => Location.create(textDocument.uri, range(r)));
});

const SYMBOL_KIND: Record<OutlineItem['kind'], SymbolKind> = {
  section: SymbolKind.Namespace, function: SymbolKind.Function, label: SymbolKind.Field, constant: SymbolKind.Constant, macro: SymbolKind.Method,
};

function documentSymbol(item: OutlineItem, a: Analysis): DocumentSymbol {
  const endLine = Math.max(item.range.startLine, item.range.endLine);
  return {
    name: item.name, kind: SYMBOL_KIND[item.kind], detail: item.detail,
    range: { start: { line: item.range.startLine, character: 0 }, end: { line: endLine, character: a.doc.lines[endLine]?.length ?? 0 } },
    selectionRange: range(item.selection),
    children: item.children.map((c) => documentSymbol(c, a)),
  };
}

connection.onDocumentSymbol(({ textDocument }) => {
  const a = analysisOf(textDocument.uri);
  return a ? outline(a).map((i) => documentSymbol(i, a)) : [];
});

documents.listen(connection);
connection.listen();
