// Part of the project's test kit: tests and benchmarks fill raw tables with it.
// Fills the raw tables the way the ingestion path would, from a generated data set: valid online
// and delivery lines (duplicates included) with ingested_at inside their arrival hour, invalid ones
// into raw.rejected_events, and the body lines of valid POS files (resends included, re-uploads
// and quarantined files excluded) loaded five minutes after their window.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import type { BigQuery } from '@google-cloud/bigquery';
import { platformCatalog } from '../../contracts/catalog';
import { REFERENCE_TABLES } from '../generator/reference-tables';
import { fastValidator } from '../../contracts/fast-validator';
import { validateStream } from '../../ops/validate/validate-file';

export type RawTable = 'online_order_events' | 'delivery_events' | 'pos_transactions' | 'inventory_movements' | 'rejected_events';
export type RawRow = Record<string, unknown> & { ingested_at?: string; rejected_at?: string };
export type RawRows = Record<RawTable, RawRow[]>;

/**
 * Creates the catalog's raw tables. requirePartitionFilter is left off: the emulator drops a
 * partition filter DuckDB proves always true (its README, known gaps), which a full refresh's
 * `ingested_at >= history_start` is.
 */
export async function createRawTables(bq: BigQuery): Promise<void> {
  const catalog = platformCatalog();
  // Raw, and the ops tables the transform's own actions write (its run record and lease): the
  // platform's Pulumi program creates both before Dataform's first run.
  for (const t of catalog.tables.filter((x) => x.dataset === 'raw' || x.writtenBy === 'dataform')) {
    await bq.dataset(t.dataset).get({ autoCreate: true });
    await bq.dataset(t.dataset).createTable(t.name, {
      schema: { fields: t.schema as never },
      ...(t.partitioning ? { timePartitioning: { type: t.partitioning.type, field: t.partitioning.field, requirePartitionFilter: false } } : {}),
      ...(t.clustering.length ? { clustering: { fields: t.clustering } } : {}),
    });
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function rejected(source: string, text: string, reason: string, path: string | null, at: string, eventId: string | null): RawRow {
  return {
    rejected_at: at,
    source,
    reason_code: 'schema_violation',
    reason,
    field_path: path,
    event_id: eventId,
    message_id: null,
    subscription: null,
    delivery_attempt: null,
    source_object: null,
    attributes: null,
    payload: text,
    payload_sha256: createHash('sha256').update(text).digest('hex'),
  };
}

function streamRows(dir: string, sub: 'online' | 'deliveries', table: RawTable, out: RawRows): void {
  const validate = fastValidator(sub === 'online' ? 'online-order' : 'delivery');
  for (const file of readdirSync(join(dir, sub)).sort()) {
    const hourMs = Date.parse(`${file.slice(0, 13)}:00:00Z`);
    readFileSync(join(dir, sub, file), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .forEach((text, i) => {
        const at = iso(hourMs + 3_000_000 + i);
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          out.rejected_events.push(rejected(sub, text, 'not valid JSON', null, at, null));
          return;
        }
        const verdict = validate(value);
        const eventId = typeof (value as { event_id?: unknown }).event_id === 'string' ? ((value as { event_id: string }).event_id) : null;
        if (!verdict.ok) {
          out.rejected_events.push(rejected(sub, text, verdict.reason, verdict.path, at, eventId));
          return;
        }
        out[table].push({ ...(value as object), ingested_at: at, message_id: `${file}:${i + 1}`, published_at: at, delivery_attempt: 1 });
      });
  }
}

async function posFileText(bytes: Buffer): Promise<string | null> {
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch {
    return null; // truncated upload: quarantined by the loader
  }
  for await (const verdict of validateStream('pos-file', Readable.from([text]))) if (!verdict.ok) return null;
  return text;
}

async function posRows(dir: string, out: RawRows): Promise<void> {
  const root = join(dir, 'pos');
  for (const store of readdirSync(root).sort()) {
    for (const date of readdirSync(join(root, store)).sort()) {
      for (const file of readdirSync(join(root, store, date)).sort()) {
        if (file.includes('-reupload')) continue;
        const rel = `pos/${store}/${date}/${file}`;
        const bytes = readFileSync(join(dir, rel));
        const text = await posFileText(bytes);
        if (text === null) continue;
        const lines = text.split('\n').filter((l) => l.length > 0);
        const header = JSON.parse(lines[0]!) as { window_end: string };
        const at = iso(Date.parse(header.window_end) + 5 * 60_000 + (file.includes('-resend') ? 15 * 60_000 : 0));
        for (const text of lines.slice(1, -1)) {
          const { record_type, ...row } = JSON.parse(text) as { record_type: string };
          const table: RawTable = record_type === 'transaction' ? 'pos_transactions' : 'inventory_movements';
          out[table].push({ ...row, ingested_at: at, source_object: `gs://pos-landing/${rel}`, load_job_id: `load-${at}` });
        }
      }
    }
  }
}

/** Every raw row of a generated data set, by table. */
export async function rawRowsOf(dir: string): Promise<RawRows> {
  const out: RawRows = { online_order_events: [], delivery_events: [], pos_transactions: [], inventory_movements: [], rejected_events: [] };
  streamRows(dir, 'online', 'online_order_events', out);
  streamRows(dir, 'deliveries', 'delivery_events', out);
  await posRows(dir, out);
  return out;
}

export async function insertRows(bq: BigQuery, table: string, rows: readonly RawRow[], dataset = 'raw'): Promise<void> {
  for (let i = 0; i < rows.length; i += 5_000) {
    await bq.dataset(dataset).table(table).insert(rows.slice(i, i + 5_000) as Record<string, unknown>[]);
  }
}

export async function loadReference(bq: BigQuery, dir: string): Promise<void> {
  for (const [file, table] of Object.entries(REFERENCE_TABLES)) {
    const rows = readFileSync(join(dir, 'reference', `${file}.ndjson`), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as RawRow);
    await insertRows(bq, table, rows);
  }
}
