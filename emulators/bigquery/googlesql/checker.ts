// Strict mode: every statement is analysed by ZetaSQL (BigQuery's own analyzer) against the
// emulator's catalog before DuckDB runs it, so SQL that only DuckDB would accept is refused with
// the invalidQuery BigQuery would answer.
import { type AnalyzeRequest } from '@fivetrandevelopers/zetasql';
import { type FieldSchema } from '../schema';
import { type Analyzer } from './analyzer';

export type CatalogProto = NonNullable<AnalyzeRequest['simpleCatalog']>;
type TableProto = NonNullable<CatalogProto['table']>[number];
type ColumnProto = NonNullable<TableProto['column']>[number];
type TypeProto = NonNullable<ColumnProto['type']>;

export interface CatalogTable {
  projectId: string;
  datasetId: string;
  tableId: string;
  fields: FieldSchema[];
  /** Ingestion-time partitioned: _PARTITIONTIME and _PARTITIONDATE are pseudo-columns. */
  ingestionTime: boolean;
}

export interface CatalogScope {
  projectId: string;
  defaultDataset?: string;
}

export class GoogleSqlRejection extends Error {}

const SCALAR: Record<string, TypeProto['typeKind']> = {
  INTEGER: 'TYPE_INT64',
  FLOAT: 'TYPE_DOUBLE',
  BOOLEAN: 'TYPE_BOOL',
  STRING: 'TYPE_STRING',
  BYTES: 'TYPE_BYTES',
  DATE: 'TYPE_DATE',
  DATETIME: 'TYPE_DATETIME',
  TIME: 'TYPE_TIME',
  TIMESTAMP: 'TYPE_TIMESTAMP',
  NUMERIC: 'TYPE_NUMERIC',
  BIGNUMERIC: 'TYPE_BIGNUMERIC',
  JSON: 'TYPE_JSON',
  INTERVAL: 'TYPE_INTERVAL',
  GEOGRAPHY: 'TYPE_GEOGRAPHY',
};

export function typeProto(f: FieldSchema): TypeProto {
  const scalar: TypeProto =
    f.type === 'RECORD'
      ? { typeKind: 'TYPE_STRUCT', structType: { field: (f.fields ?? []).map((c) => ({ fieldName: c.name, fieldType: typeProto(c) })) } }
      : { typeKind: SCALAR[f.type] ?? 'TYPE_STRING' };
  return f.mode === 'REPEATED' ? { typeKind: 'TYPE_ARRAY', arrayType: { elementType: scalar } } : scalar;
}

function tableProto(name: string, t: CatalogTable): TableProto {
  const column: ColumnProto[] = t.fields.map((f) => ({ name: f.name, type: typeProto(f) }));
  if (t.ingestionTime) {
    column.push({ name: '_PARTITIONTIME', type: { typeKind: 'TYPE_TIMESTAMP' }, isPseudoColumn: true });
    column.push({ name: '_PARTITIONDATE', type: { typeKind: 'TYPE_DATE' }, isPseudoColumn: true });
  }
  return { name, column, fullName: `${t.projectId}.${t.datasetId}.${t.tableId}` };
}

/**
 * Every way BigQuery lets a query name a table: `p.d.t` and `d.t` as one backticked name, p.d.t and
 * d.t as paths, `p.d`.t, and t alone in the default dataset. d.t forms only for the query's project.
 */
export function buildCatalog(tables: CatalogTable[], scope: CatalogScope): CatalogProto {
  const root: CatalogProto = { name: 'bigquery', table: [], catalog: [] };
  const child = (parent: CatalogProto, name: string): CatalogProto => {
    const list = (parent.catalog ??= []);
    let c = list.find((x) => x.name?.toLowerCase() === name.toLowerCase());
    if (!c) {
      c = { name, table: [], catalog: [] };
      list.push(c);
    }
    return c;
  };
  for (const t of tables) {
    const { projectId: p, datasetId: d, tableId: id } = t;
    root.table!.push(tableProto(`${p}.${d}.${id}`, t));
    child(child(root, p), d).table!.push(tableProto(id, t));
    child(root, `${p}.${d}`).table!.push(tableProto(id, t));
    if (p === scope.projectId) {
      root.table!.push(tableProto(`${d}.${id}`, t));
      child(root, d).table!.push(tableProto(id, t));
      if (scope.defaultDataset && d.toLowerCase() === scope.defaultDataset.toLowerCase()) root.table!.push(tableProto(id, t));
    }
  }
  return root;
}

export class GoogleSqlChecker {
  constructor(private readonly analyzer: Analyzer) {}

  /**
   * Throws GoogleSqlRejection with BigQuery's wording when ZetaSQL refuses the statement; for a
   * query, returns the output columns with the types BigQuery would give them.
   */
  async check(sql: string, catalog: CatalogProto): Promise<FieldSchema[] | undefined> {
    const language = this.analyzer.language;
    try {
      const response = await this.analyzer.client.analyze({
        sqlStatement: sql,
        simpleCatalog: { ...catalog, builtinFunctionOptions: { languageOptions: language } },
        options: { languageOptions: language, errorMessageMode: 'ERROR_MESSAGE_ONE_LINE', defaultTimezone: 'UTC', allowUndeclaredParameters: true },
      });
      const columns = response?.resolvedStatement?.resolvedQueryStmtNode?.outputColumnList;
      return columns?.map((c) => fieldFromType(c.name, c.column?.type ?? null));
    } catch (err) {
      const e = err as { code?: number; details?: string };
      // gRPC INVALID_ARGUMENT (3) is the analyzer's verdict; anything else is the analyzer failing.
      // A refusal that is only this analyzer build being older than BigQuery gives no verdict.
      if (e.code === 3 && analyzerGap(e.details ?? '')) return undefined;
      if (e.code === 3) throw new GoogleSqlRejection(bigQueryWording(e.details ?? 'Invalid query'));
      throw err;
    }
  }

  release(): Promise<void> {
    return this.analyzer.release();
  }
}

interface TypeOutput {
  typeKind: string | number;
  arrayType: { elementType: TypeOutput | null } | null;
  structType: { field: { fieldName: string; fieldType: TypeOutput | null }[] } | null;
}

const KIND_TO_FIELD: Record<number, string> = {
  2: 'INTEGER',
  5: 'BOOLEAN',
  7: 'FLOAT',
  8: 'STRING',
  9: 'BYTES',
  10: 'DATE',
  19: 'TIMESTAMP',
  20: 'TIME',
  21: 'DATETIME',
  22: 'GEOGRAPHY',
  23: 'NUMERIC',
  24: 'BIGNUMERIC',
  26: 'JSON',
  27: 'INTERVAL',
};

/** A BigQuery field for a ZetaSQL type (as the analyzer returns it: enums as numbers). */
export function fieldFromType(name: string, t: TypeOutput | null): FieldSchema {
  if (t?.arrayType?.elementType) return { ...fieldFromType(name, t.arrayType.elementType), mode: 'REPEATED' };
  if (t?.structType) return { name, type: 'RECORD', mode: 'NULLABLE', fields: t.structType.field.map((f) => fieldFromType(f.fieldName, f.fieldType)) };
  return { name, type: KIND_TO_FIELD[Number(t?.typeKind)] ?? 'STRING', mode: 'NULLABLE' };
}

/**
 * Functions, types and GROUP BY forms BigQuery documents that the bundled ZetaSQL analyzer build does not know
 * (@fivetrandevelopers/zetasql predates them): the analyzer's "not found" for them is not
 * BigQuery's verdict, so such statements run as in plain mode (the emulator answers them exactly).
 */
const NEWER_THAN_ANALYZER = ['CONTAINS_SUBSTR', 'EDIT_DISTANCE', 'EUCLIDEAN_DISTANCE', 'COSINE_DISTANCE', 'MAX_BY', 'MIN_BY', 'GROUPING', 'MAKE_INTERVAL', 'JUSTIFY_DAYS', 'JUSTIFY_HOURS', 'JUSTIFY_INTERVAL'];

export function analyzerGap(message: string): boolean {
  const fn = /^Function not found: `?([A-Za-z_.]+)`?/.exec(message);
  if (fn) return NEWER_THAN_ANALYZER.includes(fn[1]!.toUpperCase());
  // GROUP BY ALL, GROUPING SETS and CUBE: BigQuery has them; this analyzer build's language lacks them.
  if (/^GROUP BY (ALL is not supported|GROUPING SETS is unsupported|CUBE is unsupported)/.test(message)) return true;
  // The INTERVAL type: its literals, casts and the date subtraction that gives it.
  return /^Type not found: `?INTERVAL`?|^Unexpected INTERVAL expression|^No matching signature for operator - for argument types: (DATE, DATE|DATETIME, DATETIME|TIMESTAMP, TIMESTAMP)\./.test(message);
}

/** ZetaSQL says "... [at 1:8]"; BigQuery says "... at [1:8]". */
export function bigQueryWording(message: string): string {
  return message.replace(/\s*\[at (\d+:\d+)\]\s*$/, ' at [$1]');
}
