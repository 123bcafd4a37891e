// Load jobs from gs:// URIs (NEWLINE_DELIMITED_JSON and CSV, gzip, wildcards). Objects are
// downloaded from the storage emulator, then DuckDB's readers parse them straight into a staging
// table with the BigQuery column types (the fast path). When DuckDB refuses a file, or a check
// after it fails (REQUIRED nulls, unknown fields), the careful path re-reads the files in JS to
// report each bad record as BigQuery does and honour maxBadRecords. The destination changes in one
// DuckDB transaction, so a failed job leaves the table as it was.
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkPartitioning, requireDataset, sweepExpired } from './catalog';
import { type Context } from './context';
import { BqError, type ErrorProto, duplicate, invalid, notFound, unimplemented } from './errors';
import { type CheckedFile, type CsvOptions, checkCsv, checkJsonLines, readText } from './load-rows';
import { type LocalSource, downloadAll, resolveUris, storageClient } from './load-sources';
import { LOCATION, type TableReference, type TableResource, type TimePartitioning, etag } from './resources';
import { type FieldSchema, columnDefinitions, duckType, fieldFromDuck, normalizeFields, quoteIdent } from './schema';
import { META_SCHEMA, tablePath } from './store';
import { logicalBytes } from './bytes-processed';
import { PARTITIONTIME_COLUMN } from './sql/rewrites/partition-pseudo-columns';
import { normaliseTimePartitioning } from './tables';

export interface LoadConfig {
  sourceUris?: string[];
  destinationTable?: TableReference;
  schema?: { fields?: FieldSchema[] };
  sourceFormat?: string;
  writeDisposition?: string;
  createDisposition?: string;
  maxBadRecords?: number;
  skipLeadingRows?: number | string;
  fieldDelimiter?: string;
  quote?: string;
  allowJaggedRows?: boolean;
  allowQuotedNewlines?: boolean;
  encoding?: string;
  ignoreUnknownValues?: boolean;
  autodetect?: boolean;
  timePartitioning?: { type?: string; field?: string; expirationMs?: string; requirePartitionFilter?: boolean };
  clustering?: { fields?: string[] };
}

export interface LoadOutcome {
  inputFiles: number;
  inputFileBytes: number;
  outputRows: number;
  outputBytes: number;
  badRecords: number;
  errors: ErrorProto[];
}

/** A load job that failed: errorResult plus the per-record errors BigQuery lists in status.errors. */
export class LoadJobError extends BqError {
  constructor(
    message: string,
    readonly details: ErrorProto[],
  ) {
    super(400, 'invalid', message);
  }
}

const STAGE = 'temp.main.pf_load_stage';
const MAX_LISTED_ERRORS = 100;

type Format = 'NEWLINE_DELIMITED_JSON' | 'CSV';

interface Plan {
  format: Format;
  dest: TableReference;
  existing?: TableResource;
  fields: FieldSchema[];
  csv: CsvOptions;
  maxBad: number;
  ignoreUnknown: boolean;
}

export async function runLoad(ctx: Context, projectId: string, cfg: LoadConfig): Promise<LoadOutcome> {
  const format = sourceFormat(cfg.sourceFormat);
  const dest = destination(projectId, cfg.destinationTable);
  const host = ctx.storageHost;
  if (!host) throw invalid('Load jobs need the storage emulator: start the BigQuery emulator with its storageHost option (--storage-host)');
  const storage = storageClient(host, projectId);
  const uris = await resolveUris(storage, cfg.sourceUris ?? []);
  const dir = join(ctx.tmpDir, `load-${randomUUID()}`);
  await mkdir(dir, { recursive: true });
  try {
    const sources = await downloadAll(storage, uris, dir);
    return await ctx.store.exclusive(async () => {
      const plan = await planLoad(ctx, dest, format, cfg, sources);
      try {
        const { badRecords, errors } = await stage(ctx, plan, sources, dir);
        const outputRows = Number((await ctx.store.conn.runAndReadAll(`SELECT count(*) FROM ${STAGE}`)).getRows()[0][0]);
        const outputBytes = Number(await logicalBytes(ctx.store.conn, STAGE, plan.fields, undefined));
        await apply(ctx, plan, cfg);
        const inputFileBytes = sources.reduce((s, f) => s + f.bytes, 0);
        return { inputFiles: sources.length, inputFileBytes, outputRows, outputBytes, badRecords, errors };
      } finally {
        await ctx.store.run(`DROP TABLE IF EXISTS ${STAGE}`);
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sourceFormat(f: string | undefined): Format {
  const v = (f ?? 'CSV').toUpperCase();
  if (v === 'NEWLINE_DELIMITED_JSON' || v === 'CSV') return v;
  if (['AVRO', 'PARQUET', 'ORC', 'DATASTORE_BACKUP', 'ICEBERG'].includes(v)) throw unimplemented(`Load jobs with sourceFormat ${v}`);
  throw invalid(`Invalid source format ${f}`, 'sourceFormat');
}

function destination(projectId: string, ref: TableReference | undefined): TableReference {
  if (!ref?.datasetId || !ref.tableId) throw invalid('Load configuration must specify destination table', 'destinationTable');
  return { projectId: ref.projectId ?? projectId, datasetId: ref.datasetId, tableId: ref.tableId };
}

async function planLoad(ctx: Context, dest: TableReference, format: Format, cfg: LoadConfig, sources: LocalSource[]): Promise<Plan> {
  await ctx.store.project(dest.projectId);
  await requireDataset(ctx, dest.projectId, dest.datasetId);
  await sweepExpired(ctx, dest.projectId);
  const existing = ctx.store.findTable(dest.projectId, dest.datasetId, dest.tableId);
  if (existing && existing.type !== 'TABLE') throw invalid(`Cannot load into ${existing.id}: it is a ${existing.type}`);
  if (!existing && cfg.createDisposition === 'CREATE_NEVER') throw notFound(`Table ${dest.projectId}:${dest.datasetId}.${dest.tableId}`);
  const skipLeadingRows = Number(cfg.skipLeadingRows ?? 0);
  if (!Number.isInteger(skipLeadingRows) || skipLeadingRows < 0) throw invalid(`Invalid skipLeadingRows ${cfg.skipLeadingRows}`, 'skipLeadingRows');
  const csv: CsvOptions = {
    delimiter: csvDelimiter(cfg.fieldDelimiter),
    quote: cfg.quote ?? '"',
    skipLeadingRows,
    allowJaggedRows: cfg.allowJaggedRows === true,
    allowQuotedNewlines: cfg.allowQuotedNewlines === true,
  };
  if (csv.quote.length > 1) throw invalid(`Invalid quote ${cfg.quote}: a single character is required`, 'quote');
  if (cfg.encoding && !/^UTF-?8$/i.test(cfg.encoding)) throw unimplemented(`Load encoding ${cfg.encoding}`);
  const jobFields = cfg.schema?.fields?.length ? normalizeFields(cfg.schema.fields) : undefined;
  let fields: FieldSchema[];
  if (existing) {
    fields = existing.schema?.fields ?? [];
    if (jobFields && cfg.writeDisposition !== 'WRITE_TRUNCATE') checkCompatible(existing, jobFields);
    if (jobFields && cfg.writeDisposition === 'WRITE_TRUNCATE') fields = jobFields;
  } else if (jobFields) {
    fields = jobFields;
  } else if (cfg.autodetect) {
    fields = await autodetect(ctx, format, csv, sources);
  } else {
    throw invalid('No schema specified on job or table.', 'schema');
  }
  if (format === 'CSV' && fields.some((f) => f.type === 'RECORD' || f.mode === 'REPEATED')) {
    throw invalid('CSV files cannot be loaded into RECORD or REPEATED fields', 'schema');
  }
  const maxBad = Number(cfg.maxBadRecords ?? 0);
  return { format, dest, existing, fields, csv, maxBad, ignoreUnknown: cfg.ignoreUnknownValues === true };
}

function csvDelimiter(d: string | undefined): string {
  if (d === undefined) return ',';
  if (d === '\\t' || d.toLowerCase() === 'tab') return '\t';
  if (d.length !== 1) throw invalid(`Invalid field delimiter ${d}: a single character is required`, 'fieldDelimiter');
  return d;
}

function checkCompatible(t: TableResource, jobFields: FieldSchema[]): void {
  const have = new Map((t.schema?.fields ?? []).map((f) => [f.name.toLowerCase(), f]));
  for (const f of jobFields) {
    const old = have.get(f.name.toLowerCase());
    if (!old) throw invalid(`Provided Schema does not match Table ${t.id}. Cannot add fields (field: ${f.name})`, 'schema');
    if (old.type !== f.type) throw invalid(`Provided Schema does not match Table ${t.id}. Field ${f.name} has changed type from ${old.type} to ${f.type}`, 'schema');
  }
}

async function autodetect(ctx: Context, format: Format, csv: CsvOptions, sources: LocalSource[]): Promise<FieldSchema[]> {
  const probe = await ctx.store.conn.runAndReadAll(`SELECT * FROM ${autoReader(format, csv, sources)} LIMIT 0`).catch((err: unknown) => {
    throw invalid(`Schema autodetection failed: ${(err as Error).message}`, 'schema');
  });
  return probe.columnNames().map((n, i) => fieldFromDuck(n, probe.columnTypes()[i]));
}

function fileList(sources: LocalSource[]): string {
  return `[${sources.map((s) => quoteString(s.path)).join(', ')}]`;
}

function autoReader(format: Format, csv: CsvOptions, sources: LocalSource[]): string {
  if (format === 'NEWLINE_DELIMITED_JSON') return `read_json(${fileList(sources)}, format = 'newline_delimited', union_by_name = true)`;
  const header = csv.skipLeadingRows > 0;
  return `read_csv(${fileList(sources)}, header = ${header}, skip = ${Math.max(0, csv.skipLeadingRows - (header ? 1 : 0))}, delim = ${quoteString(csv.delimiter)}, quote = ${quoteString(csv.quote)})`;
}

/** Fills the staging table; returns the bad records it skipped (within maxBadRecords). */
async function stage(ctx: Context, plan: Plan, sources: LocalSource[], dir: string): Promise<{ badRecords: number; errors: ErrorProto[] }> {
  if (await fastStage(ctx, plan, sources)) return { badRecords: 0, errors: [] };
  const checked: CheckedFile[] = [];
  for (const s of sources) {
    const text = await readText(s.path, s.gzip);
    checked.push(plan.format === 'CSV' ? checkCsv(text, s.uri, plan.fields, plan.csv) : checkJsonLines(text, s.uri, plan.fields, plan.ignoreUnknown));
  }
  const errors = checked.flatMap((c) => c.errors);
  const records = checked.reduce((n, c) => n + c.records, 0);
  if (errors.length > plan.maxBad) {
    const kind = plan.format === 'CSV' ? 'CSV' : 'JSON';
    throw new LoadJobError(
      `Error while reading data, error message: ${kind} table encountered too many errors, giving up. Rows: ${records}; errors: ${errors.length}. Please look into the errors[] collection for more details.`,
      errors.slice(0, MAX_LISTED_ERRORS),
    );
  }
  const file = join(dir, 'checked.ndjson');
  await writeFile(file, checked.flatMap((c) => c.rows.map((r) => JSON.stringify(r))).join('\n'));
  await ctx.store.run(`CREATE OR REPLACE TEMP TABLE pf_load_stage AS SELECT ${selectList(plan.fields)} FROM ${jsonReader(plan.fields, [file])}`);
  return { badRecords: errors.length, errors: errors.slice(0, MAX_LISTED_ERRORS) };
}

/** DuckDB parses and types everything; false when it refuses or a BigQuery rule is broken. */
async function fastStage(ctx: Context, plan: Plan, sources: LocalSource[]): Promise<boolean> {
  const files = sources.map((s) => s.path);
  const reader = plan.format === 'CSV' ? csvReader(plan.fields, plan.csv, files) : jsonReader(plan.fields, files);
  const select = plan.format === 'CSV' ? csvSelectList(plan.fields) : selectList(plan.fields);
  try {
    await ctx.store.run(`CREATE OR REPLACE TEMP TABLE pf_load_stage AS SELECT ${select} FROM ${reader}`);
  } catch (err) {
    ctx.log.debug({ err: (err as Error).message }, 'load fast path refused; checking record by record');
    return false;
  }
  const required = plan.fields.filter((f) => f.mode === 'REQUIRED');
  if (required.length) {
    const nulls = await ctx.store.conn.runAndReadAll(`SELECT count(*) FROM ${STAGE} WHERE ${required.map((f) => `${quoteIdent(f.name)} IS NULL`).join(' OR ')}`);
    if (Number(nulls.getRows()[0][0]) > 0) return false;
  }
  if (plan.format === 'NEWLINE_DELIMITED_JSON') {
    const violations = await ctx.store.conn.runAndReadAll(
      `SELECT count(*) FROM read_json_objects(${fileList(sources)}, format = 'newline_delimited') WHERE ${jsonViolations(plan.fields, plan.ignoreUnknown)}`,
    );
    if (Number(violations.getRows()[0][0]) > 0) return false;
  }
  return true;
}

/** JSON kinds BigQuery accepts per field type; DuckDB's typed reader would coerce others (1.5 into INT64, objects into STRING). */
const ACCEPTED_JSON: Record<string, string[]> = {
  INTEGER: ['BIGINT', 'UBIGINT'],
  FLOAT: ['BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR'],
  NUMERIC: ['BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR'],
  BIGNUMERIC: ['BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR'],
  BOOLEAN: ['BOOLEAN', 'VARCHAR'],
  STRING: ['BOOLEAN', 'BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR'],
  BYTES: ['VARCHAR'],
  DATE: ['VARCHAR'],
  TIME: ['VARCHAR'],
  DATETIME: ['VARCHAR'],
  TIMESTAMP: ['VARCHAR'],
  INTERVAL: ['VARCHAR'],
};

/**
 * A SQL condition over read_json_objects' `json` that is true for a record the fast path must not
 * take: not an object, unknown top-level keys (unless ignored), or a top-level value of a JSON kind
 * BigQuery refuses for its field (integers given as strings must be integers). Nested fields are
 * left to DuckDB's cast.
 */
export function jsonViolations(fields: FieldSchema[], ignoreUnknown: boolean): string {
  const conds = [`json_type(json) <> 'OBJECT'`];
  if (!ignoreUnknown) {
    const known = `[${fields.map((f) => quoteString(f.name.toLowerCase())).join(', ')}]::VARCHAR[]`;
    conds.push(`NOT list_has_all(${known}, list_transform(json_keys(json), k -> lower(k)))`);
  }
  for (const f of fields) {
    const path = quoteString(`$.${f.name}`);
    const kind = `coalesce(json_type(json, ${path}), 'NULL')`;
    const accepted = f.mode === 'REPEATED' ? ['ARRAY'] : f.type === 'RECORD' ? ['OBJECT'] : ACCEPTED_JSON[f.type];
    if (!accepted) continue;
    let bad = `${kind} NOT IN (${['NULL', ...accepted].map(quoteString).join(', ')})`;
    if (f.type === 'INTEGER' && f.mode !== 'REPEATED') bad = `(${bad} AND NOT (${kind} = 'VARCHAR' AND regexp_full_match(json ->> ${path}, '\\s*[+-]?[0-9]+\\s*')))`;
    conds.push(bad);
  }
  return conds.join(' OR ');
}

/** Column types for DuckDB's readers: BYTES arrive as base64 text and are decoded in selectList. */
function readerColumns(fields: FieldSchema[]): string {
  return fields.map((f) => `${quoteString(f.name)}: ${quoteString(f.type === 'BYTES' ? (f.mode === 'REPEATED' ? 'VARCHAR[]' : 'VARCHAR') : duckType(f))}`).join(', ');
}

function selectList(fields: FieldSchema[]): string {
  return fields
    .map((f) => {
      const c = quoteIdent(f.name);
      if (f.type !== 'BYTES') return c;
      return f.mode === 'REPEATED' ? `list_transform(${c}, lambda b: from_base64(b)) AS ${c}` : `from_base64(${c}) AS ${c}`;
    })
    .join(', ');
}

/**
 * CSV integers are read as text and cast only when they are integers: DuckDB's reader would round
 * '1.5' into an INT64 column, which BigQuery refuses; error() sends the job to the careful path.
 */
function csvSelectList(fields: FieldSchema[]): string {
  return fields
    .map((f) => {
      const c = quoteIdent(f.name);
      if (f.type === 'BYTES') return `from_base64(${c}) AS ${c}`;
      if (f.type !== 'INTEGER') return c;
      return `CASE WHEN ${c} IS NULL OR regexp_full_match(${c}, '\\s*[+-]?[0-9]+\\s*') THEN CAST(trim(${c}) AS BIGINT) ELSE error('not an integer') END AS ${c}`;
    })
    .join(', ');
}

function jsonReader(fields: FieldSchema[], files: string[]): string {
  return `read_json([${files.map(quoteString).join(', ')}], format = 'newline_delimited', columns = {${readerColumns(fields)}})`;
}

function csvReader(fields: FieldSchema[], csv: CsvOptions, files: string[]): string {
  const columns = readerColumns(fields.map((f) => (f.type === 'INTEGER' ? { ...f, type: 'STRING' } : f)));
  return (
    `read_csv([${files.map(quoteString).join(', ')}], header = false, auto_detect = false, skip = ${csv.skipLeadingRows}, ` +
    `delim = ${quoteString(csv.delimiter)}, quote = ${quoteString(csv.quote)}, escape = ${quoteString(csv.quote)}, ` +
    `strict_mode = true, null_padding = ${csv.allowJaggedRows}, columns = {${columns}})`
  );
}

/** Writes the staged rows to the destination in one transaction; metadata follows only on commit. */
async function apply(ctx: Context, plan: Plan, cfg: LoadConfig): Promise<void> {
  const { dest, existing, fields } = plan;
  const path = tablePath(dest.projectId, dest.datasetId, dest.tableId);
  const write = cfg.writeDisposition ?? 'WRITE_APPEND';
  if (!['WRITE_APPEND', 'WRITE_TRUNCATE', 'WRITE_EMPTY'].includes(write)) throw invalid(`Invalid writeDisposition ${write}`, 'writeDisposition');
  const tp = normaliseTimePartitioning(cfg.timePartitioning);
  if (!existing) checkPartitioning(fields, tp, cfg.clustering?.fields);
  const names = fields.map((f) => quoteIdent(f.name)).join(', ');
  const replaceSchema = existing && write === 'WRITE_TRUNCATE' && !sameSchema(existing.schema?.fields ?? [], fields);
  const conn = ctx.store.conn;
  let resource: TableResource;
  await conn.run('BEGIN TRANSACTION');
  try {
    if (!existing || replaceSchema) {
      const timePartitioning = existing ? existing.timePartitioning : tp;
      if (existing) await conn.run(`DROP TABLE ${path}`);
      await conn.run(`CREATE TABLE ${path} (${tableColumns(fields, timePartitioning)})`);
      resource = existing ? { ...existing, schema: { fields } } : newTable(dest, fields, tp, cfg.clustering?.fields);
    } else {
      resource = { ...existing };
      if (write === 'WRITE_EMPTY') {
        const n = await conn.runAndReadAll(`SELECT count(*) FROM ${path}`);
        if (Number(n.getRows()[0][0]) > 0) throw duplicate(`Table ${existing.id}`);
      }
      if (write === 'WRITE_TRUNCATE') await conn.run(`DELETE FROM ${path}`);
    }
    if (fields.length) await conn.run(`INSERT INTO ${path} (${names}) SELECT ${names} FROM ${STAGE}`);
    resource.etag = etag();
    resource.lastModifiedTime = String(Date.now());
    if (ctx.store.persistent) {
      await conn.run(`INSERT OR REPLACE INTO ${quoteIdent(dest.projectId)}.${META_SCHEMA}.tables VALUES ($1, $2, $3)`, [
        resource.tableReference.datasetId,
        resource.tableReference.tableId,
        JSON.stringify(resource),
      ]);
    }
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    if (err instanceof BqError) throw err;
    throw new LoadJobError(`Error while loading into ${dest.projectId}:${dest.datasetId}.${dest.tableId}: ${(err as Error).message}`, []);
  }
  await ctx.store.putTable(resource);
}

function sameSchema(a: FieldSchema[], b: FieldSchema[]): boolean {
  return JSON.stringify(a.map(({ description: _d, ...f }) => f)) === JSON.stringify(b.map(({ description: _d, ...f }) => f));
}

function tableColumns(fields: FieldSchema[], tp: TimePartitioning | undefined): string {
  let cols = columnDefinitions(fields);
  if (tp && !tp.field) {
    const part = `${quoteIdent(PARTITIONTIME_COLUMN)} TIMESTAMPTZ DEFAULT date_trunc('${tp.type.toLowerCase()}', current_timestamp)`;
    cols = cols ? `${cols}, ${part}` : part;
  }
  return cols || '"__pf_empty" BOOLEAN';
}

function newTable(ref: TableReference, fields: FieldSchema[], tp: TimePartitioning | undefined, clustering: string[] | undefined): TableResource {
  const now = String(Date.now());
  return {
    kind: 'bigquery#table',
    id: `${ref.projectId}:${ref.datasetId}.${ref.tableId}`,
    etag: etag(),
    tableReference: ref,
    type: 'TABLE',
    schema: { fields },
    ...(tp ? { timePartitioning: tp } : {}),
    ...(clustering?.length ? { clustering: { fields: clustering } } : {}),
    creationTime: now,
    lastModifiedTime: now,
    location: LOCATION,
  };
}

function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
