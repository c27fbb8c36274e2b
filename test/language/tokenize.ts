// Tokenizes text with a committed TextMate grammar, the way VS Code does (vscode-textmate on
// the Oniguruma regex engine), for the grammar tests.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

export interface ScopedToken { text: string; scopes: string[] }

let onigReady: Promise<void> | undefined;
function loadOniguruma(): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(join(require.resolve('vscode-oniguruma'), '..', 'onig.wasm')).buffer;
  onigReady ??= oniguruma.loadWASM(wasm as ArrayBuffer);
  return onigReady;
}

export async function loadGrammar(file: string): Promise<textmate.IGrammar> {
  await loadOniguruma();
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => textmate.parseRawGrammar(readFileSync(file, 'utf8'), file),
  });
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { scopeName: string };
  const grammar = await registry.loadGrammar(raw.scopeName);
  if (!grammar) throw new Error(`tokenize: cannot load ${file}`);
  return grammar;
}

/** Tokens of each line, carrying the rule stack from line to line as an editor does. */
export function tokenizeLines(grammar: textmate.IGrammar, text: string): ScopedToken[][] {
  let stack = textmate.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}
