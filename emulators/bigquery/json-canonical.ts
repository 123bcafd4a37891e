// BigQuery's JSON type keeps an object's members sorted by key: JSON '{"city": "x", "State": "y"}'
// and JSON_OBJECT('foo', 10, 'bar', TRUE) come back as {"State":"y","city":"x"} and
// {"bar":true,"foo":10} (json_functions#json_object). DuckDB's JSON keeps the order it was given,
// so JSON results are put in BigQuery's form here: members sorted by key (by their UTF-8 bytes),
// no whitespace. Numbers and strings keep their text exactly (no float round trip).

/** The JSON text with every object's members sorted by key; text that is not JSON is returned as it is. */
export function canonicalJson(text: string): string {
  try {
    const p = new Parser(text);
    const out = p.value();
    p.skipWs();
    return p.atEnd() ? out : text;
  } catch {
    return text;
  }
}

function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  skipWs(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i])) this.i++;
  }

  value(): string {
    this.skipWs();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    const m = /^(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) throw new SyntaxError('not JSON');
    this.i += m[0].length;
    return m[0];
  }

  private string(): string {
    const start = this.i++;
    while (this.i < this.s.length && this.s[this.i] !== '"') this.i += this.s[this.i] === '\\' ? 2 : 1;
    if (this.i >= this.s.length) throw new SyntaxError('unterminated string');
    this.i++;
    return this.s.slice(start, this.i);
  }

  private array(): string {
    this.i++;
    const items: string[] = [];
    this.skipWs();
    if (this.s[this.i] === ']') {
      this.i++;
      return '[]';
    }
    for (;;) {
      items.push(this.value());
      this.skipWs();
      const c = this.s[this.i++];
      if (c === ']') return `[${items.join(',')}]`;
      if (c !== ',') throw new SyntaxError('bad array');
    }
  }

  private object(): string {
    this.i++;
    const members: { key: string; raw: string; value: string }[] = [];
    this.skipWs();
    if (this.s[this.i] === '}') {
      this.i++;
      return '{}';
    }
    for (;;) {
      this.skipWs();
      if (this.s[this.i] !== '"') throw new SyntaxError('bad key');
      const raw = this.string();
      this.skipWs();
      if (this.s[this.i++] !== ':') throw new SyntaxError('bad member');
      members.push({ key: JSON.parse(raw) as string, raw, value: this.value() });
      this.skipWs();
      const c = this.s[this.i++];
      if (c === '}') break;
      if (c !== ',') throw new SyntaxError('bad object');
    }
    // Stable: members with the same key keep their order.
    members.sort((a, b) => utf8Compare(a.key, b.key));
    return `{${members.map((m) => `${m.raw}:${m.value}`).join(',')}}`;
  }
}
