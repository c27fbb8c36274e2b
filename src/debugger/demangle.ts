// Rust symbol names made readable: the legacy scheme rustc 1.63 uses (`_ZN` + length-prefixed
// path parts + `E`, the last part a hash `h` + 16 hex digits) and the basics of v0 (`_R`).

const ESCAPES: Record<string, string> = {
  SP: '@', BP: '*', RF: '&', LT: '<', GT: '>', LP: '(', RP: ')', C: ',',
};

function unescape(part: string): string {
  let s = part.startsWith('_$') ? part.slice(1) : part;
  s = s.replace(/\$([A-Z]{1,2}|u[0-9a-f]+)\$/g, (m, code: string) => {
    if (code.startsWith('u')) return String.fromCodePoint(parseInt(code.slice(1), 16));
    return ESCAPES[code] ?? m;
  });
  return s.replace(/\.\./g, '::');
}

/** The readable name of a Rust symbol, or the name unchanged when it is not one. */
export function demangle(name: string): string {
  const legacy = /^_?_ZN(.*)E(\.[\w.]+)?$/.exec(name);
  if (legacy) {
    const parts: string[] = [];
    let rest = legacy[1];
    while (rest.length) {
      const m = /^(\d+)/.exec(rest);
      if (!m) return name;
      const len = Number(m[1]);
      parts.push(rest.slice(m[1].length, m[1].length + len));
      rest = rest.slice(m[1].length + len);
    }
    if (parts.length > 1 && /^h[0-9a-f]{16}$/.test(parts[parts.length - 1])) parts.pop();
    return parts.map(unescape).join('::');
  }
  if (name.startsWith('_R')) return demangleV0Path(name.slice(2)) ?? name;
  return name;
}

/** v0 paths made of nested `N` namespaces over a crate root `C` (enough for plain functions). */
function demangleV0Path(s: string): string | undefined {
  const parts: string[] = [];
  let i = 0;
  const ident = (): string | undefined => {
    if (s[i] === 's') { i++; while (s[i] !== '_' && i < s.length) i++; i++; } // disambiguator
    const m = /^(u?)(\d+)(_?)/.exec(s.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    const id = s.slice(i, i + Number(m[2]));
    i += Number(m[2]);
    return id;
  };
  const path = (): boolean => {
    const tag = s[i++];
    if (tag === 'C') { const id = ident(); if (id === undefined) return false; parts.push(id); return true; }
    if (tag === 'N') { i++; if (!path()) return false; const id = ident(); if (id === undefined) return false; if (id) parts.push(id); return true; }
    return false;
  };
  return path() ? parts.join('::') : undefined;
}
