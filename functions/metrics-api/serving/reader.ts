// The metrics API's reads from the serving store: a merchant's range of a metric out of the month
// hashes (series), the whole value (overlap metrics, sliced here), or derived from the hourly sales
// (freshness). No warehouse query; the data version is the store's stamp.
import { sliceRows } from '../metrics/blocks';
import type { Granularity, MetricDefinition } from '../metrics/catalog';
import type { DataVersion, MetricRow } from '../metrics/source';
import { freshnessOf, newerStamp, type DataStamp } from './layout';
import type { ServingStore, StoredAnswer } from './store';

export interface SettledRead {
  merchantId: string;
  metric: MetricDefinition;
  granularity: Granularity;
  from: string;
  to: string;
  now: Date;
}

/**
 * Where the handler reads settled metrics when a serving store is configured; undefined while the
 * store was never published to (a store just created, or the publisher not deployed yet): the
 * handler then answers from BigQuery as without a store.
 */
export interface SettledReader {
  read(request: SettledRead): Promise<{ rows: MetricRow[]; version: DataVersion } | undefined>;
}

type StoreReads = Pick<ServingStore, 'marker' | 'readSeries' | 'readWhole'>;

/** Metrics computed from a stored series rather than stored themselves. */
const DERIVED: Record<string, (store: StoreReads, r: SettledRead) => Promise<StoredAnswer>> = {
  // Per store, the newest hour with sales in the range and how far behind now it is.
  freshness: async (store, r) => {
    const hourly = await store.readSeries(r.merchantId, { metric: 'sales', granularity: 'hour' }, r.from, r.to);
    return { rows: freshnessOf(hourly.rows, r.now), stamp: hourly.stamp };
  },
};

export function createStoreReader(store: StoreReads): SettledReader {
  async function rowsOf(r: SettledRead): Promise<StoredAnswer> {
    const slicing = r.metric.slicing(r.granularity);
    if (r.metric.series && slicing.kind === 'month') return store.readSeries(r.merchantId, { metric: r.metric.name, granularity: r.granularity }, r.from, r.to);
    if (r.metric.allMerchants) {
      const whole = await store.readWhole(r.merchantId, r.metric.name);
      return { rows: sliceRows(whole.rows, slicing, r.from, r.to), stamp: whole.stamp };
    }
    const derived = DERIVED[r.metric.name];
    if (!derived) throw new Error(`${r.metric.name} is not kept in the serving store`);
    return derived(store, r);
  }
  return {
    async read(r) {
      const [answer, marker] = await Promise.all([rowsOf(r), store.marker()]);
      if (!marker) return undefined;
      // The newest published run, unless this merchant was already rewritten by a newer one that is
      // still being published.
      const stamp: DataStamp | undefined = newerStamp(marker, answer.stamp);
      return { rows: answer.rows, version: { runId: stamp?.run_id ?? null, runAt: stamp?.run_at ?? null } };
    },
  };
}
