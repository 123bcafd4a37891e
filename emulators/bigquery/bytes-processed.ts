// totalBytesProcessed, modelled on BigQuery's logical sizes: per referenced column, the sum over
// the rows of the scanned partitions of INT64/FLOAT64/DATE/DATETIME/TIME/TIMESTAMP 8 bytes,
// BOOL 1, NUMERIC 16, BIGNUMERIC 32, INTERVAL 16, STRING/BYTES 2 + length in bytes, JSON its text
// length, RECORD the sum of its fields, REPEATED the sum of its elements, NULL 0. Which columns
// and partitions a statement reads comes from DuckDB's plan: each table scan lists its projected
// columns and its pushed-down filters; filters that use only the partition column prune rows.
import { type DuckDBConnection } from '@duckdb/node-api';
import { type FieldSchema } from './schema';
import { quoteIdent } from './schema';
import type { Lru } from './lru';

const FIXED: Record<string, number> = {
  INTEGER: 8,
  FLOAT: 8,
  DATE: 8,
  DATETIME: 8,
  TIME: 8,
  TIMESTAMP: 8,
  BOOLEAN: 1,
  NUMERIC: 16,
  BIGNUMERIC: 32,
  INTERVAL: 16,
};

/** SQL computing the logical size of one value of `field` held by expression `e`. */
export function sizeExpr(field: FieldSchema, e: string, depth = 0): string {
  if (field.mode === 'REPEATED') {
    const x = `pf_x${depth}`;
    return `coalesce(list_sum(list_transform(${e}, lambda ${x}: ${sizeExpr({ ...field, mode: 'NULLABLE' }, x, depth + 1)})), 0)`;
  }
  if (field.type === 'RECORD') {
    const parts = (field.fields ?? []).map((c) => sizeExpr(c, `(${e}).${quoteIdent(c.name)}`, depth));
    return `CASE WHEN ${e} IS NULL THEN 0 ELSE ${parts.length ? parts.join(' + ') : '0'} END`;
  }
  const fixed = FIXED[field.type];
  if (fixed !== undefined) return `CASE WHEN ${e} IS NULL THEN 0 ELSE ${fixed} END`;
  if (field.type === 'BYTES') return `coalesce(2 + octet_length(${e}), 0)`;
  if (field.type === 'JSON') return `coalesce(strlen(CAST(${e} AS VARCHAR)), 0)`;
  return `coalesce(2 + strlen(CAST(${e} AS VARCHAR)), 0)`;
}

/** Logical bytes of `fields` in `path` over the rows matching `where`. */
/** The SELECT measuring the logical bytes of `fields` in `path` (rows matching `where`), or undefined for no fields. */
function logicalBytesSql(path: string, fields: FieldSchema[], where: string | undefined): string | undefined {
  if (fields.length === 0) return undefined;
  // Fixed-size columns are count(column) * size: several times faster than a per-row CASE.
  const parts = fields.map((f) => {
    const fixed = f.mode !== 'REPEATED' ? FIXED[f.type] : undefined;
    return fixed !== undefined ? `${fixed} * count(${quoteIdent(f.name)})` : `coalesce(sum(${sizeExpr(f, quoteIdent(f.name))}), 0)`;
  });
  return `SELECT CAST(${parts.join(' + ')} AS BIGINT) FROM ${path}${where ? ` WHERE ${where}` : ''}`;
}

export async function logicalBytes(conn: DuckDBConnection, path: string, fields: FieldSchema[], where: string | undefined): Promise<bigint> {
  const sql = logicalBytesSql(path, fields, where);
  if (!sql) return 0n;
  const r = await conn.runAndReadAll(sql);
  return BigInt(r.getRows()[0][0] as bigint);
}

export interface TableScanBytes {
  /** The table's version key (`project.dataset.table`, lower case). */
  key: string;
  path: string;
  fields: FieldSchema[];
  where: string | undefined;
}

/** Bytes already measured, each valid while its table's version holds. */
export interface ScanBytesMemo {
  versionOf(key: string): string;
  known: Lru<bigint>;
}

/** Scans whose bytes are still to be measured, and the sum of those the memo already knows. */
export interface PendingScanBytes {
  known: bigint;
  todo: { scan: TableScanBytes; sql: string; memoKey: string | undefined }[];
  memo?: ScanBytesMemo;
}

/**
 * Looks the scans up in the memo, at their tables' current versions (taken now, so a measure that
 * finishes after a write is kept under the version it measured).
 */
export function pendingScanBytes(scans: readonly TableScanBytes[], memo?: ScanBytesMemo): PendingScanBytes {
  let known = 0n;
  const todo: PendingScanBytes['todo'] = [];
  for (const scan of scans) {
    const sql = logicalBytesSql(scan.path, scan.fields, scan.where);
    if (!sql) continue;
    const memoKey = memo ? `${scan.key}@${memo.versionOf(scan.key)}\u0000${sql}` : undefined;
    const value = memoKey !== undefined ? memo?.known.get(memoKey) : undefined;
    if (value !== undefined) known += value;
    else todo.push({ scan, sql, memoKey });
  }
  return { known, todo, memo };
}

/**
 * Measures the pending scans in one statement (one round trip into DuckDB instead of one per
 * table) and remembers each; when that fails (a filter that does not stand alone), each scan on
 * its own, and a scan whose filter still fails counts its whole table.
 */
export async function measureScanBytes(conn: DuckDBConnection, pending: PendingScanBytes): Promise<bigint> {
  const { todo, memo } = pending;
  let total = pending.known;
  if (todo.length === 0) return total;
  let values: bigint[];
  try {
    const r = await conn.runAndReadAll(`SELECT ${todo.map((t) => `CAST(coalesce((${t.sql}), 0) AS BIGINT)`).join(', ')}`);
    values = (r.getRows()[0] ?? []).map((v) => BigInt(v as bigint));
  } catch {
    values = [];
    for (const { scan } of todo) {
      try {
        values.push(await logicalBytes(conn, scan.path, scan.fields, scan.where));
      } catch {
        values.push(await logicalBytes(conn, scan.path, scan.fields, undefined));
      }
    }
  }
  todo.forEach((t, i) => {
    const v = values[i] ?? 0n;
    total += v;
    if (t.memoKey !== undefined) memo?.known.set(t.memoKey, v);
  });
  return total;
}

/** The bytes of several table scans (see pendingScanBytes and measureScanBytes). */
export async function logicalBytesOfScans(conn: DuckDBConnection, scans: readonly TableScanBytes[], memo?: ScanBytesMemo): Promise<bigint> {
  return measureScanBytes(conn, pendingScanBytes(scans, memo));
}

export interface Scan {
  /** The DuckDB name as printed in the plan, split into parts. */
  name: string[];
  projections: string[];
  filters: string[];
}

interface PlanNode {
  name?: string;
  children?: PlanNode[];
  extra_info?: Record<string, unknown>;
}

/** Table scans in the JSON of `EXPLAIN (FORMAT JSON)`. */
export function scansFromPlan(planJson: string): Scan[] {
  const roots = JSON.parse(planJson) as PlanNode[];
  const out: Scan[] = [];
  const visit = (n: PlanNode): void => {
    const info = n.extra_info ?? {};
    if (typeof info.Table === 'string') {
      out.push({ name: splitName(info.Table), projections: asList(info.Projections), filters: asList(info.Filters) });
    }
    (n.children ?? []).forEach(visit);
  };
  roots.forEach(visit);
  return out;
}

function asList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return String(v)
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function splitName(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      if (quoted && s[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === '.' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** Top-level column names mentioned in a DuckDB expression (identifiers outside string literals). */
export function mentionedColumns(expr: string, columns: string[]): string[] {
  const idents = new Set<string>();
  const re = /'(?:[^']|'')*'|"((?:[^"]|"")*)"|([A-Za-z_][A-Za-z0-9_]*)/g;
  for (let m = re.exec(expr); m; m = re.exec(expr)) {
    const id = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2];
    if (id !== undefined) idents.add(id.toLowerCase());
  }
  return columns.filter((c) => idents.has(c.toLowerCase()));
}
