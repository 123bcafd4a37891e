// Partial responses (the `fields` system parameter, https://cloud.google.com/storage/docs/json_api#partial-response):
// `fields=kind,items(name,size),nextPageToken` keeps those fields only; `a/b` selects b inside a;
// `x(y,z)` selects y and z inside x (inside each element of an array); `*` selects every field.
// Pure, so it is unit-tested.

export class FieldsError extends Error {}

/** A selection: field name → nested selection, or `true` for the whole field. */
export type Selection = Map<string, Selection | true>;

export function parseFields(text: string): Selection {
  const p = new Parser(text.replace(/\s+/g, ''));
  const sel = p.list();
  if (!p.done()) throw new FieldsError(`Invalid field selection: unexpected "${p.peek()}"`);
  return sel;
}

/** The resource with only the selected fields (undefined ones dropped). */
export function applySelection(value: unknown, sel: Selection): unknown {
  if (Array.isArray(value)) return value.map((v) => applySelection(v, sel));
  if (!value || typeof value !== 'object') return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const all = sel.get('*');
  for (const [key, v] of Object.entries(src)) {
    const s = sel.get(key) ?? all;
    if (s === undefined || v === undefined) continue;
    out[key] = s === true ? v : applySelection(v, s);
  }
  return out;
}

class Parser {
  private at = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.at >= this.s.length;
  }

  peek(): string {
    return this.s[this.at];
  }

  list(): Selection {
    const sel: Selection = new Map();
    for (;;) {
      this.item(sel);
      if (this.s[this.at] !== ',') return sel;
      this.at++;
    }
  }

  private item(into: Selection): void {
    const path = [this.name()];
    while (this.s[this.at] === '/') {
      this.at++;
      path.push(this.name());
    }
    let leaf: Selection | true = true;
    if (this.s[this.at] === '(') {
      this.at++;
      leaf = this.list();
      if (this.s[this.at] !== ')') throw new FieldsError('Invalid field selection: missing ")"');
      this.at++;
    }
    let node = into;
    for (const [i, key] of path.entries()) {
      const last = i === path.length - 1;
      const existing = node.get(key);
      if (last) {
        node.set(key, existing === undefined ? leaf : existing === true || leaf === true ? true : merge(existing, leaf));
        return;
      }
      if (existing === true) return; // the whole field is selected already
      const next: Selection = existing ?? new Map();
      node.set(key, next);
      node = next;
    }
  }

  private name(): string {
    const m = /^(?:\*|[A-Za-z0-9_.-]+)/.exec(this.s.slice(this.at));
    if (!m) throw new FieldsError(`Invalid field selection at position ${this.at}`);
    this.at += m[0].length;
    return m[0];
  }
}

function merge(a: Selection, b: Selection): Selection {
  const out: Selection = new Map(a);
  for (const [k, v] of b) {
    const e = out.get(k);
    out.set(k, e === undefined ? v : e === true || v === true ? true : merge(e, v));
  }
  return out;
}
