// The serving store publisher: after transform runs, copies what they changed in the metric marts
// into the serving store, so the metrics API answers from the store alone. It keeps a marker (the
// newest run published); each call publishes every run recorded after it. The marts hold only the
// newest state, so the unpublished runs are published together: the union of their touched dates
// is read once and stamped with the newest run (a full refresh among them republishes everything).
// Publishing a run already published changes nothing.
import type { Logger } from '../../runtime/logger';
import { METRICS, type Granularity, type MetricDefinition, type SeriesQuery } from '../metrics/catalog';
import { emptyWrite, groupByMerchant, groupByMerchantAndDate, isEmptyWrite, planDates, planRefresh, type DataStamp, type MerchantWrite, type SeriesId } from './layout';
import type { MetricRow } from '../metrics/source';
import type { MartReader, RunRecord } from './marts';
import type { ServingStore } from './store';

export interface PublishResult {
  status: 'published' | 'up_to_date' | 'transform_running';
  mode?: 'incremental' | 'full';
  /** The runs this publish covered, oldest first. */
  runs: string[];
  stamp?: DataStamp;
  /** Dates re-read (incremental), or every date (full: empty). */
  dates: string[];
  merchants: number;
  fieldsSet: number;
  fieldsDeleted: number;
  bytesWritten: number;
  /** Sum of the BigQuery jobs' totalBytesProcessed. */
  bytesProcessed: number;
}

export interface PublisherOptions {
  marts: MartReader;
  store: ServingStore;
  log: Logger;
  /** Merchants per batch of a full republish (default 500). */
  batchSize?: number;
  now?: () => Date;
  metrics?: ReadonlyMap<string, MetricDefinition>;
}

export interface Publisher {
  /** Publishes every run recorded after the marker; `full` forces a full republish. */
  publish(options?: { full?: boolean }): Promise<PublishResult>;
}

interface Series extends SeriesId {
  query: SeriesQuery;
}

/** Every month-sliced series of the catalog (metric × granularity kept). */
export function seriesOf(metrics: ReadonlyMap<string, MetricDefinition>): Series[] {
  return [...metrics.values()].flatMap((m) => (m.series ? m.granularities.map((g: Granularity) => ({ metric: m.name, granularity: g, query: m.series!(g) })) : []));
}

export function createPublisher(options: PublisherOptions): Publisher {
  const { marts, store, log } = options;
  const metrics = options.metrics ?? METRICS;
  const series = seriesOf(metrics);
  const wholeMetrics = [...metrics.values()].filter((m) => m.allMerchants);
  const batchSize = options.batchSize ?? 500;
  const now = options.now ?? (() => new Date());

  /** Overlap metrics: every merchant's rows, one query per metric (the queries in flight together). */
  async function wholeRows(): Promise<Map<string, Map<string, MetricRow[]>>> {
    const rows = await Promise.all(wholeMetrics.map((metric) => marts.allMerchantRows(metric)));
    return new Map(wholeMetrics.map((metric, i) => [metric.name, groupByMerchant(rows[i]!)]));
  }

  /** Adds the overlap metrics' new values of `merchants` to their writes, for those whose value changed. */
  async function wholeWrites(fresh: Map<string, Map<string, MetricRow[]>>, merchants: readonly string[], writes: Map<string, MerchantWrite>): Promise<void> {
    for (const [metric, byMerchant] of fresh) {
      const stored = await store.wholes(merchants, metric);
      for (const m of merchants) {
        const value = JSON.stringify(byMerchant.get(m) ?? []);
        if (stored.get(m) === value || (stored.get(m) === null && value === '[]')) continue;
        const w = writes.get(m) ?? emptyWrite(m);
        w.wholes.push({ metric, value });
        writes.set(m, w);
      }
    }
  }

  async function incremental(dates: string[], stamp: DataStamp): Promise<Omit<PublishResult, 'status' | 'runs' | 'bytesProcessed'>> {
    // A run that touched no partition (no new data) changes no series. Every read is independent of
    // the others: the store's index and the marts' queries are in flight together (a publish is a
    // handful of round trips, not one after another).
    const touched = dates.length > 0 ? series : [];
    const [previous, freshRows, wholes] = await Promise.all([
      store.merchantsOn(dates),
      Promise.all(touched.map((s) => marts.seriesRows(s.query, { dates }))),
      // Promotions change with any run (their lift, their scope): every merchant with some now, or before.
      wholeRows(),
    ]);
    const writes = new Map<string, MerchantWrite>();
    const active = new Map<string, Set<string>>(dates.map((d) => [d, new Set()]));
    touched.forEach((s, i) => {
      const fresh = groupByMerchantAndDate(freshRows[i]!, s.query.dateColumn);
      for (const [m, byDate] of fresh) for (const d of byDate.keys()) active.get(d)?.add(m);
      planDates(s, dates, fresh, previous, writes);
    });
    for (const [metric, byMerchant] of wholes) {
      const merchants = [...new Set([...(await store.wholeMerchants(metric)), ...byMerchant.keys()])].sort();
      await wholeWrites(new Map([[metric, byMerchant]]), merchants, writes);
    }
    const list = [...writes.values()].filter((w) => !isEmptyWrite(w));
    const totals = await store.apply(list, stamp);
    for (const d of dates) {
      const current = active.get(d)!;
      await store.updateDateIndex(d, [...current], [...(previous.get(d) ?? [])].filter((m) => !current.has(m)));
    }
    return { mode: 'incremental', stamp, dates, merchants: list.length, ...totals };
  }

  async function full(stamp: DataStamp): Promise<Omit<PublishResult, 'status' | 'runs' | 'bytesProcessed'>> {
    const merchants = [...new Set([...(await marts.merchants()), ...(await store.allMerchants())])].sort();
    const totals = { merchants: 0, fieldsSet: 0, fieldsDeleted: 0, bytesWritten: 0 };
    const wholes = await wholeRows();
    for (let i = 0; i < merchants.length; i += batchSize) {
      const batch = merchants.slice(i, i + batchSize);
      const [stored, batchRows] = await Promise.all([store.storedFields(batch), Promise.all(series.map((s) => marts.seriesRows(s.query, { merchants: batch })))]);
      const perSeries: { id: SeriesId; byMerchant: Map<string, Map<string, MetricRow[]>> }[] = series.map((s, i) => ({ id: s, byMerchant: groupByMerchantAndDate(batchRows[i]!, s.query.dateColumn) }));
      const writes = new Map<string, MerchantWrite>();
      for (const m of batch) {
        const plan = planRefresh(m, perSeries.map((s) => ({ id: { metric: s.id.metric, granularity: s.id.granularity }, byDate: s.byMerchant.get(m) ?? new Map() })), stored.get(m) ?? new Map());
        writes.set(m, plan);
      }
      await wholeWrites(wholes, batch, writes);
      // Every merchant of the batch is stamped, changed or not: the full refresh vouches for all.
      const done = await store.apply([...writes.values()], stamp);
      totals.merchants += batch.length;
      totals.fieldsSet += done.fieldsSet;
      totals.fieldsDeleted += done.fieldsDeleted;
      totals.bytesWritten += done.bytesWritten;
      log.debug({ merchants: totals.merchants, of: merchants.length }, 'serving store refresh batch');
    }
    return { mode: 'full', stamp, dates: [], ...totals };
  }

  return {
    async publish(o = {}) {
      const bytesBefore = marts.bytesProcessed;
      const done = (r: Omit<PublishResult, 'bytesProcessed'>): PublishResult => ({ ...r, bytesProcessed: marts.bytesProcessed - bytesBefore });
      const idle = { runs: [], dates: [], merchants: 0, fieldsSet: 0, fieldsDeleted: 0, bytesWritten: 0 };
      const [running, marker] = await Promise.all([marts.transformRunning(), store.marker()]);
      if (running) return done({ status: 'transform_running', ...idle });
      let runs: RunRecord[] = await marts.runsAfter(marker ? { runId: marker.run_id, runAt: marker.run_at } : undefined);
      if (runs.length === 0 && o.full && marker) runs = [{ runId: marker.run_id, kind: 'full_refresh', finishedAt: marker.run_at, touchedDates: [] }];
      const newest = runs[runs.length - 1];
      if (!newest) return done({ status: 'up_to_date', ...idle });
      const stamp: DataStamp = { run_id: newest.runId, run_at: newest.finishedAt, published_at: now().toISOString() };
      const isFull = o.full === true || !marker || runs.some((r) => r.kind === 'full_refresh');
      const dates = [...new Set(runs.flatMap((r) => r.touchedDates))].sort();
      const result = isFull ? await full(stamp) : await incremental(dates, stamp);
      // The marker moves last: a publish that failed half way is done again by the next call.
      await store.setMarker(stamp);
      const out = done({ status: 'published', runs: runs.map((r) => r.runId), ...result });
      log.info({ runs: out.runs, mode: out.mode, dates: out.dates.length, merchants: out.merchants, fieldsSet: out.fieldsSet, fieldsDeleted: out.fieldsDeleted, bytesProcessed: out.bytesProcessed }, 'serving store published');
      return out;
    },
  };
}
