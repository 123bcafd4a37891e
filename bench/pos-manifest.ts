// bench/pos-manifest: what the POS loader's reads of ops.load_manifest cost as the manifest grows.
// The BigQuery emulator's ops.load_manifest (created as the catalog declares it: partitioned by day
// on recorded_at) is filled with 1, 7, 30 and 60 days of manifest at a scaled rate, and for one run's
// candidates (41 files: 20 stores × the last two windows, and the re-upload of a file loaded half an
// hour before) the lookups are run both ways:
//  - old: the whole lookback (`WHERE recorded_at >= now - 62 days`), read twice per run (before
//    judging, and again before appending the manifest);
//  - keyed (functions/pos-loader/manifest-lookup.ts through the real BigQuery port): the candidates'
//    object names since their creation less an hour, the loaded rows with their content since their
//    window less the future allowance (24 h) and an hour, and the plan's files since its recorded_at.
// Per run: bytes processed (each query job's totalBytesProcessed, the emulator's model of BigQuery's
// bytes billed before the 10 MB minimum), rows returned to the loader, rows in the scanned range.
// Scale: 21 stores × 96 windows = 2,016 files a day (production: ~104,000); bytes scale with it.
// Run from compiled output: `npm run bench:pos-manifest` [-- --days 1,7,30,60].
import * as os from 'node:os';
import { BigQuery } from '@google-cloud/bigquery';
import { Storage } from '@google-cloud/storage';
import { startBigquery } from '@pizzaflow/emulators';
import { platformCatalog } from '../contracts/catalog';
import type { LoadManifestEntry } from '../contracts/ops';
import { gcpPorts, type ManifestRead } from '../functions/pos-loader/gcp-ports';
import { contentLookups, objectsLookup, recordedLookups, type ListedObject, type ManifestLookup } from '../functions/pos-loader/manifest-lookup';
import { DEFAULT_LIMITS } from '../functions/pos-loader/run';
import { writeReport } from './report';

const PROJECT = 'bench-pos-manifest';
const STORES = 21;
const WINDOW_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
/** The run: shortly after noon, so an hour's margin stays in the same day's partition. */
const NOW = Date.parse('2026-11-23T12:05:00Z');
const LOOKBACK_DAYS = 62;
const CANDIDATE_STORES = 20;
const COLUMNS = 'object_name, generation, status, store_id, window_start, content_sha256';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const store = (s: number): string => `s${String(s).padStart(4, '0')}`;
const objectName = (s: number, windowStart: number): string => `pos/store=${store(s)}/${new Date(windowStart).toISOString().slice(0, 16).replace(/[-:]/g, '')}.ndjson.gz`;
/** Body digest: night windows (00:00–06:00) are empty, and an empty body has one digest everywhere. */
function digest(s: number, windowStart: number): string {
  const hour = new Date(windowStart).getUTCHours();
  const seed = hour < 6 ? 0 : (windowStart / WINDOW_MS) * 1_000 + s;
  return seed.toString(16).padStart(64, '0');
}

/** The manifest rows of the files of the windows starting in [from, to): one per store and window, recorded 16 minutes after the window. */
function manifestRows(from: number, to: number): LoadManifestEntry[] {
  const rows: LoadManifestEntry[] = [];
  for (let w = from; w < to; w += WINDOW_MS) {
    for (let s = 1; s <= STORES; s++) {
      const i = w / WINDOW_MS + s;
      const status = i % 50 === 0 ? 'quarantined' : i % 97 === 0 ? 'archived' : 'loaded';
      rows.push({
        recorded_at: new Date(w + WINDOW_MS + 60_000).toISOString(),
        bucket: 'bench-pos-landing',
        object_name: objectName(s, w),
        generation: String(w * 1000 + s),
        content_sha256: digest(s, w),
        merchant_id: 'm0001',
        store_id: store(s),
        window_start: new Date(w).toISOString(),
        window_end: new Date(w + WINDOW_MS).toISOString(),
        status,
        reason: status === 'loaded' ? null : status === 'archived' ? 'identical re-upload: this content was already loaded' : 'invalid: line 3: expected an object',
        transaction_rows: status === 'loaded' ? 40 : 0,
        inventory_rows: status === 'loaded' ? 6 : 0,
        load_job_id: status === 'loaded' ? `pizzaflow_pos_pos_transactions_${w}` : null,
      });
    }
  }
  return rows;
}

interface Measured {
  bytes: number;
  rowsReturned: number;
  rowsInRange: number;
  ms: number;
}

async function main(): Promise<void> {
  const days = arg('--days', '1,7,30,60').split(',').map(Number).sort((a, b) => a - b);
  const loadBefore = os.loadavg();
  const bq = await startBigquery({ port: 0, grpcPort: 0, project: PROJECT, logLevel: 'silent' });
  const bigquery = new BigQuery({ projectId: PROJECT, apiEndpoint: bq.url });
  const decl = platformCatalog().tables.find((t) => t.name === 'load_manifest')!;
  const [dataset] = await bigquery.createDataset('ops');
  const [table] = await dataset.createTable('load_manifest', {
    schema: { fields: decl.schema },
    timePartitioning: { type: decl.partitioning!.type, field: decl.partitioning!.field },
    clustering: { fields: decl.clustering },
  });
  const reads: ManifestRead[] = [];
  const ports = gcpPorts({
    // The lookups never touch Cloud Storage: a client that points nowhere.
    storage: new Storage({ projectId: PROJECT, apiEndpoint: 'http://127.0.0.1:9' }),
    bigquery,
    project: PROJECT,
    buckets: { landing: 'bench-pos-landing', archive: 'bench-pos-archive', quarantine: 'bench-pos-quarantine' },
    datasets: { raw: 'raw', ops: 'ops' },
    manifestLookbackDays: LOOKBACK_DAYS,
    now: () => NOW,
    onManifestRead: (r) => reads.push(r),
  });
  const manifestTable = `\`${PROJECT}.ops.load_manifest\``;
  const rowsSince = async (since: string): Promise<number> => {
    const [r] = await bigquery.query({ query: `SELECT COUNT(*) AS n FROM ${manifestTable} WHERE recorded_at >= TIMESTAMP(@since)`, params: { since } });
    return Number((r as { n: number }[])[0]!.n);
  };

  // The run's candidates: 20 stores' files of the last two windows before the run (not yet recorded),
  // and a re-upload of store 1's file of the window before them (its content is in the manifest).
  const lastWindow = Math.floor(NOW / WINDOW_MS) * WINDOW_MS - WINDOW_MS;
  const candidateWindows = [lastWindow - WINDOW_MS, lastWindow];
  /** The history ends where the candidates' windows begin. */
  const historyEnd = candidateWindows[0]!;
  const candidates: (ListedObject & { store: number; windowStart: number })[] = [];
  for (const w of candidateWindows) {
    for (let s = 1; s <= CANDIDATE_STORES; s++) {
      candidates.push({ bucket: 'bench-pos-landing', name: objectName(s, w), generation: String(w * 1000 + s), timeCreated: new Date(w + WINDOW_MS + 30_000).toISOString(), store: s, windowStart: w });
    }
  }
  const earlier = historyEnd - WINDOW_MS;
  candidates.push({ bucket: 'bench-pos-landing', name: objectName(1, earlier).replace('.ndjson.gz', '-reupload.ndjson.gz'), generation: String(NOW * 1000), timeCreated: new Date(NOW - 60_000).toISOString(), store: 1, windowStart: earlier });
  // What the run knows once the files are judged: each one's header and body digest (the ones the manifest would hold).
  const judged = candidates.map((c) => ({ verdict: { ok: true, header: { store_id: store(c.store), window_start: new Date(c.windowStart).toISOString() }, contentSha256: digest(c.store, c.windowStart) } }));
  const recordedAt = new Date(NOW).toISOString();
  const planned = candidates.map((c) => ({ object_name: c.name, recorded_at: recordedAt }));

  /** The old read, as one query job: the whole lookback. */
  const oldRead = async (): Promise<Measured> => {
    const since = new Date(NOW - LOOKBACK_DAYS * DAY_MS).toISOString();
    const t0 = performance.now();
    const [job] = await bigquery.createQueryJob({ query: `SELECT ${COLUMNS} FROM ${manifestTable} WHERE recorded_at >= TIMESTAMP(@since)`, params: { since } });
    const [rows] = await job.getQueryResults();
    const ms = performance.now() - t0;
    const [meta] = await job.getMetadata();
    const bytes = Number((meta as { statistics?: { totalBytesProcessed?: string } }).statistics?.totalBytesProcessed ?? NaN);
    return { bytes, rowsReturned: rows.length, rowsInRange: await rowsSince(since), ms };
  };
  /** The keyed lookups of one run, through the port. */
  const keyedRun = async (): Promise<Record<string, Measured>> => {
    const lookups: [string, ManifestLookup][] = [
      ['objects', objectsLookup(candidates)],
      ...contentLookups(judged, DEFAULT_LIMITS.maxFutureHours * 3_600_000).map((l): [string, ManifestLookup] => ['content', l]),
      ...recordedLookups(planned).map((l): [string, ManifestLookup] => ['planRecheck', l]),
    ];
    const out: Record<string, Measured> = {};
    for (const [name, lookup] of lookups) {
      reads.length = 0;
      const t0 = performance.now();
      if (lookup.kind === 'objects') await ports.readManifest(lookup);
      else await ports.readManifest(lookup);
      const ms = performance.now() - t0;
      const r = reads[0]!;
      out[name] = { bytes: r.bytesProcessed ?? NaN, rowsReturned: r.rows, rowsInRange: await rowsSince(r.since), ms };
    }
    return out;
  };

  const results: Record<string, unknown> = {};
  let filledDays = 0;
  process.stdout.write(`ops.load_manifest at ${STORES * 96} files/day; a run of ${candidates.length} candidate files; bytes = totalBytesProcessed\n`);
  process.stdout.write(`${'days'.padStart(5)} ${'rows'.padStart(8)} | ${'old bytes/run'.padStart(14)} ${'old rows/run'.padStart(13)} | ${'keyed bytes/run'.padStart(16)} ${'keyed rows/run'.padStart(15)} ${'keyed scanned'.padStart(14)} | old/keyed bytes\n`);
  for (const d of days) {
    // Add the days not yet filled, oldest first: the history ends at the run.
    const rows = manifestRows(historyEnd - d * DAY_MS, historyEnd - filledDays * DAY_MS);
    for (let i = 0; i < rows.length; i += 2_000) await table.insert(rows.slice(i, i + 2_000));
    filledDays = d;
    const total = await rowsSince('1970-01-01T00:00:00Z');
    const old = await oldRead();
    const keyed = await keyedRun();
    const keyedBytes = Object.values(keyed).reduce((n, m) => n + m.bytes, 0);
    const keyedRows = Object.values(keyed).reduce((n, m) => n + m.rowsReturned, 0);
    const keyedScanned = Object.values(keyed).reduce((n, m) => n + m.rowsInRange, 0);
    // The old loader read the lookback twice a run (the same query both times).
    const oldRun = { bytes: 2 * old.bytes, rowsReturned: 2 * old.rowsReturned, rowsInRange: 2 * old.rowsInRange };
    results[`${d}d`] = {
      days: d,
      manifestRows: total,
      old: { perRead: { ...old, ms: Math.round(old.ms) }, perRun: oldRun },
      keyed: {
        perLookup: Object.fromEntries(Object.entries(keyed).map(([k, m]) => [k, { ...m, ms: Math.round(m.ms) }])),
        perRun: { bytes: keyedBytes, rowsReturned: keyedRows, rowsInRange: keyedScanned },
      },
      oldOverKeyedBytes: Number((oldRun.bytes / keyedBytes).toFixed(1)),
    };
    process.stdout.write(
      `${String(d).padStart(5)} ${String(total).padStart(8)} | ${oldRun.bytes.toLocaleString('en-US').padStart(14)} ${oldRun.rowsReturned.toLocaleString('en-US').padStart(13)} | ${keyedBytes.toLocaleString('en-US').padStart(16)} ${String(keyedRows).padStart(15)} ${keyedScanned.toLocaleString('en-US').padStart(14)} | ${(oldRun.bytes / keyedBytes).toFixed(1)}×\n`,
    );
  }
  await bq.close();
  const file = writeReport({
    benchmark: 'pos-manifest',
    description:
      `The POS loader's ops.load_manifest reads per run, old (the 62-day lookback, read twice) against keyed (candidates' names, their content, the plan's files, each bounded on recorded_at), ` +
      `${STORES * 96} files/day (${STORES} stores × 96 windows), ${candidates.length} candidate files, BigQuery emulator (bytes: totalBytesProcessed; rowsInRange: rows recorded since each query's bound).`,
    results: { ...results, loadAverage: { before: loadBefore.map((l) => Number(l.toFixed(2))), after: os.loadavg().map((l) => Number(l.toFixed(2))) } },
  });
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
