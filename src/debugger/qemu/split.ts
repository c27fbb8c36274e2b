// A command line pasted from a Makefile (launch.json's qemuArgs) split into arguments as a
// POSIX shell splits it: white space separates words; '...' keeps everything; "..." keeps
// everything but \" \\ \$ \`; a backslash outside quotes escapes the next character. No
// variables, globs or substitutions are expanded: a Makefile's $(K) must be written out.

export class SplitError extends Error {
  override name = 'SplitError';
}

export function splitCommandLine(text: string): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new SplitError("unclosed ' in the command line");
      word += text.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && '"\\$`'.includes(text[j + 1] ?? '')) j++;
        word += text[j];
      }
      if (j >= text.length) throw new SplitError('unclosed " in the command line');
      i = j;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < text.length && text[i + 1] !== '\n') word += text[i + 1];
      i++;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) out.push(word);
  return out;
}
