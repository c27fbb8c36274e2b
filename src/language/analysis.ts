// One analyzed file: its statements and its symbol table, computed once per version of the
// text and shared by every request. Whether the C preprocessor runs first follows the file
// name, as gcc decides: `.S` (and `.sx`) files are preprocessed, `.s` and `.asm` are not.
import { parse, type ParsedDocument } from './parser.js';
import { buildSymbols, type SymbolTable } from './symbols.js';

export interface Analysis {
  doc: ParsedDocument;
  symbols: SymbolTable;
}

export const isPreprocessed = (uri: string): boolean => /\.(S|sx)$/.test(uri);

export function analyze(text: string, uri: string): Analysis {
  const doc = parse(text, isPreprocessed(uri));
  return { doc, symbols: buildSymbols(doc) };
}
