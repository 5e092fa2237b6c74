/**
 * Nx's input globs in the trigger config's glob syntax (docs/trigger-config.md, "Glob syntax").
 * Both read `*`, `**`, `?`, `[...]` and `{a,b}` alike; Nx also takes extglobs (`?(x)`, `*(x)`,
 * `+(x)`, `@(x)`, `!(x)`), which the config's globs do not: they are rewritten in the direction
 * that never loses a build. An include may only grow (it matches at least what Nx's does) and an
 * exclusion may only shrink (it leaves out at most what Nx's does), so a change Nx counts as an
 * input always starts the pipeline; at worst a change Nx would not count starts it too.
 */

/** Which way a rewrite may err: an include matches more, an exclusion matches less. */
export type GlobRole = 'include' | 'exclude';

/** The index of the `)` closing the `(` at `open`, or -1. */
function closing(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === '(') depth++;
    else if (glob[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * `text` split at each `separator` outside brackets, braces and parentheses (and not escaped):
 * `a|b(c|d)` at `|` is `a`, `b(c|d)`; `a,{b,c}` at `,` is `a`, `{b,c}`.
 */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '(' || text[i] === '{' || text[i] === '[') depth++;
    else if (text[i] === ')' || text[i] === '}' || text[i] === ']') depth--;
    else if (text[i] === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const EXTGLOB = /[?*+@!]/;

/**
 * `glob` (an Nx input pattern, `{projectRoot}` already replaced) in the config's glob syntax, or
 * undefined when an exclusion cannot be narrowed faithfully (`!(x)`): leaving it out only adds files.
 */
export function configGlob(glob: string, role: GlobRole): string | undefined {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '\\') {
      out += glob.slice(i, i + 2);
      i++;
      continue;
    }
    if (!(EXTGLOB.test(char) && glob[i + 1] === '(')) {
      out += char;
      continue;
    }
    const end = closing(glob, i + 1);
    if (end < 0) {
      out += char;
      continue;
    }
    const inner: string[] = [];
    for (const alternative of splitTopLevel(glob.slice(i + 2, end), '|')) {
      const translated = configGlob(alternative, role);
      if (translated === undefined) return undefined;
      inner.push(translated);
    }
    // (one alternative is itself: the config's globs refuse a brace with one)
    const anyOf = inner.length === 1 ? (inner[0] as string) : `{${inner.join(',')}}`;
    const noneOrOne = `{,${inner.join(',')}}`;
    switch (char) {
      case '@': // exactly one of them
        out += anyOf;
        break;
      case '?': // none or one
        out += noneOrOne;
        break;
      case '+': // one or more: an exclusion keeps one repetition; an include takes any text in the segment
        out += role === 'exclude' ? anyOf : '*';
        break;
      case '*': // none or more
        out += role === 'exclude' ? noneOrOne : '*';
        break;
      case '!': // anything but them
        if (role === 'exclude') return undefined;
        out += '*';
        break;
    }
    i = end;
  }
  // `dir/**/*` is every file under dir: the config's `dir/**` says it in plain text (matched
  // without the regex engine, and the one shape the limits count as free).
  return out.replace(/\/\*\*\/\*$/, '/**').replace(/^\*\*\/\*$/, '**');
}
