// `matchGlob` of objects.list (https://cloud.google.com/storage/docs/json_api/v1/objects/list#list-object-glob):
// `*` any characters but `/`, `**` any characters including `/` (and `**/` zero or more whole
// folders), `?` one character but `/`, `[abc]`, `[a-z]`, `[!abc]` one character of (or not of) a
// set, `{a,b}` one of several sub-patterns, `\` escapes the next character. Compiled to a RegExp
// matched against the whole name. Pure, so it is unit-tested.

export class GlobError extends Error {}

export function compileGlob(glob: string): (name: string) => boolean {
  const parser = new Parser(glob);
  const source = parser.sequence(false);
  if (!parser.done()) throw new GlobError(`Unexpected "${glob[parser.at]}" at ${parser.at} in matchGlob`);
  const re = new RegExp(`^(?:${source})$`, 'su');
  return (name) => re.test(name);
}

class Parser {
  at = 0;
  constructor(private readonly glob: string) {}

  done(): boolean {
    return this.at >= this.glob.length;
  }

  /** Parses until the end, or (inside braces) until an unnested `,` or `}`. */
  sequence(inBraces: boolean): string {
    let out = '';
    const g = this.glob;
    while (this.at < g.length) {
      const c = g[this.at];
      if (inBraces && (c === ',' || c === '}')) return out;
      if (c === '\\') {
        if (this.at + 1 >= g.length) throw new GlobError('matchGlob ends with an escape character');
        out += escapeRegExp(g[this.at + 1]);
        this.at += 2;
      } else if (c === '*') {
        if (g[this.at + 1] === '*') {
          const atSegmentStart = this.at === 0 || g[this.at - 1] === '/';
          if (atSegmentStart && g[this.at + 2] === '/') {
            out += '(?:.*/)?';
            this.at += 3;
          } else {
            out += '.*';
            this.at += 2;
          }
        } else {
          out += '[^/]*';
          this.at++;
        }
      } else if (c === '?') {
        out += '[^/]';
        this.at++;
      } else if (c === '[') {
        out += this.charClass();
      } else if (c === '{') {
        out += this.alternatives();
      } else {
        out += escapeRegExp(c);
        this.at++;
      }
    }
    if (inBraces) throw new GlobError('Unclosed "{" in matchGlob');
    return out;
  }

  private alternatives(): string {
    this.at++; // {
    const options: string[] = [];
    for (;;) {
      options.push(this.sequence(true));
      const c = this.glob[this.at++];
      if (c === '}') break;
    }
    return `(?:${options.join('|')})`;
  }

  private charClass(): string {
    const g = this.glob;
    let i = this.at + 1;
    let negate = false;
    if (g[i] === '!' || g[i] === '^') {
      negate = true;
      i++;
    }
    let body = '';
    let first = true;
    while (i < g.length && (g[i] !== ']' || first)) {
      const c = g[i] === '\\' && i + 1 < g.length ? g[++i] : g[i];
      if (g[i + 1] === '-' && i + 2 < g.length && g[i + 2] !== ']') {
        const to = g[i + 2];
        if (to < c) throw new GlobError(`Invalid range ${c}-${to} in matchGlob`);
        body += `${escapeClass(c)}-${escapeClass(to)}`;
        i += 3;
      } else {
        body += escapeClass(c);
        i++;
      }
      first = false;
    }
    if (i >= g.length) throw new GlobError('Unclosed "[" in matchGlob');
    this.at = i + 1;
    return negate ? `[^/${body}]` : `[${body}]`;
  }
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClass(c: string): string {
  return c.replace(/[\]\\^-]/g, '\\$&');
}
