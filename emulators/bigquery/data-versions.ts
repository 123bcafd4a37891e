// Which table a DuckDB statement writes, so that what is derived from a table's rows (the bytes a
// scan reads) is kept until the table changes. Store routes every statement through observe():
// a statement that writes a named table moves that table's version; one whose target cannot be
// placed (a schema dropped, a multi-statement string, an unrecognised command) moves them all.

export type WriteTarget = { kind: 'read' } | { kind: 'temp' } | { kind: 'table'; key: string } | { kind: 'unknown' };

/** Commands that change no table's rows. (ROLLBACK does, by undoing: it counts as unknown.) */
const READS = new Set(['SELECT', 'VALUES', 'FROM', 'EXPLAIN', 'PRAGMA', 'SET', 'RESET', 'USE', 'BEGIN', 'START', 'COMMIT', 'END', 'DESCRIBE', 'SHOW', 'SUMMARIZE', 'ATTACH', 'CHECKPOINT']);

const LEADING = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[^]*?\*\/)*/;
const PART = String.raw`(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)`;
const NAME = String.raw`(${PART}(?:\s*\.\s*${PART})*)`;
const TARGETS: RegExp[] = [
  new RegExp(String.raw`^INSERT\s+(?:OR\s+(?:REPLACE|IGNORE)\s+)?INTO\s+${NAME}`, 'i'),
  new RegExp(String.raw`^DELETE\s+FROM\s+${NAME}`, 'i'),
  new RegExp(String.raw`^UPDATE\s+${NAME}`, 'i'),
  new RegExp(String.raw`^MERGE\s+INTO\s+${NAME}`, 'i'),
  new RegExp(String.raw`^TRUNCATE\s+(?:TABLE\s+)?${NAME}`, 'i'),
  new RegExp(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, 'i'),
  new RegExp(String.raw`^DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?${NAME}`, 'i'),
  new RegExp(String.raw`^ALTER\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?${NAME}`, 'i'),
];
const TEMP_CREATE = /^CREATE\s+(?:OR\s+REPLACE\s+)?TEMP(?:ORARY)?\s+(?:TABLE|VIEW)\b/i;

/** The parts of a dotted DuckDB name, unquoted. */
export function nameParts(name: string): string[] {
  const parts: string[] = [];
  const re = new RegExp(PART, 'g');
  for (let m = re.exec(name); m; m = re.exec(name)) {
    const p = m[0];
    parts.push(p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p);
  }
  return parts;
}

/** The key a table's version is kept under: `project.dataset.table`, lower case (DuckDB matches names case-insensitively). */
export function tableKey(parts: readonly string[]): string {
  return parts.map((p) => p.toLowerCase()).join('.');
}

export function writeTarget(sql: string): WriteTarget {
  const s = sql.replace(LEADING, '');
  if (/;\s*\S/.test(s)) return { kind: 'unknown' };
  const word = s.startsWith('(') ? 'SELECT' : (/^[A-Za-z]+/.exec(s)?.[0] ?? '').toUpperCase();
  if (READS.has(word)) return { kind: 'read' };
  if (word === 'WITH') return /\b(?:INSERT|UPDATE|DELETE|MERGE)\b/i.test(s) ? { kind: 'unknown' } : { kind: 'read' };
  if (/^CREATE\s+SCHEMA\b/i.test(s)) return { kind: 'read' };
  if (TEMP_CREATE.test(s)) return { kind: 'temp' };
  for (const re of TARGETS) {
    const m = re.exec(s);
    if (!m) continue;
    const parts = nameParts(m[1]!);
    if (parts[0]?.toLowerCase() === 'temp') return { kind: 'temp' };
    return parts.length === 3 ? { kind: 'table', key: tableKey(parts) } : { kind: 'unknown' };
  }
  return { kind: 'unknown' };
}

/** A version per table, moved by every statement that writes it. */
export class DataVersions {
  private counter = 0;
  private epoch = 0;
  private readonly tables = new Map<string, number>();
  /** Tables written since BEGIN: COMMIT moves them again (what was derived inside saw the old rows). */
  private written: Set<string> | undefined;

  observe(sql: string): void {
    const word = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase();
    if (word === 'BEGIN' || word === 'START') this.written = new Set();
    else if (word === 'COMMIT' || word === 'END') {
      for (const key of this.written ?? []) this.tables.set(key, ++this.counter);
      this.written = undefined;
    } else if (word === 'ROLLBACK' || word === 'ABORT') this.written = undefined;
    const target = writeTarget(sql);
    if (target.kind === 'table') {
      this.tables.set(target.key, ++this.counter);
      this.written?.add(target.key);
    }
    else if (target.kind === 'unknown') {
      this.epoch = ++this.counter;
      this.tables.clear();
    }
  }

  /** Equal for two calls only if no statement wrote the table in between. */
  of(key: string): string {
    return `${this.epoch}.${this.tables.get(key) ?? 0}`;
  }
}
