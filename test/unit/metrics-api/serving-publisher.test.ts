// Which runs the publisher publishes and how, over in-memory ports: nothing while a transform holds
// its lease, a full publish into an empty store, then the union of the unpublished runs' touched
// dates read once and stamped with the newest run, a full refresh among them republishing all, and
// a second call with no new run changing nothing.
import { Writable } from 'node:stream';
import { createLogger } from '../../../functions/runtime/logger';
import { createPublisher } from '../../../functions/metrics-api/serving/publisher';
import type { MartReader, RunRecord, SeriesScope } from '../../../functions/metrics-api/serving/marts';
import type { ServingStore } from '../../../functions/metrics-api/serving/store';
import type { DataStamp, MerchantWrite } from '../../../functions/metrics-api/serving/layout';
import type { MetricRow } from '../../../functions/metrics-api';

const silent = createLogger('test', { destination: new Writable({ write: (_c, _e, cb) => cb() }), level: 'fatal' });

class FakeMarts implements MartReader {
  running = false;
  runs: RunRecord[] = [];
  scopes: SeriesScope[] = [];
  bytesProcessed = 0;
  async transformRunning() {
    return this.running;
  }
  async runsAfter(after: { runId: string; runAt: string } | undefined) {
    if (!after) return this.runs.slice(-1);
    return this.runs.filter((r) => r.finishedAt > after.runAt);
  }
  async seriesRows(_q: unknown, scope: SeriesScope): Promise<MetricRow[]> {
    this.scopes.push(scope);
    this.bytesProcessed += 10;
    return [];
  }
  async allMerchantRows(): Promise<MetricRow[]> {
    this.bytesProcessed += 1;
    return [];
  }
  async merchants() {
    return ['m1'];
  }
}

function fakeStore() {
  let marker: DataStamp | undefined;
  const applied: { writes: readonly MerchantWrite[]; stamp: DataStamp }[] = [];
  const store: ServingStore = {
    marker: async () => marker,
    setMarker: async (s) => {
      marker = s;
    },
    merchantsOn: async (dates) => new Map(dates.map((d) => [d, new Set<string>()])),
    allMerchants: async () => [],
    storedFields: async (ms) => new Map(ms.map((m) => [m, new Map()])),
    wholeMerchants: async () => [],
    wholes: async (ms) => new Map(ms.map((m) => [m, null])),
    apply: async (writes, stamp) => {
      applied.push({ writes, stamp });
      return { fieldsSet: 0, fieldsDeleted: 0, bytesWritten: 0 };
    },
    updateDateIndex: async () => undefined,
    readSeries: async () => ({ rows: [], stamp: undefined }),
    readWhole: async () => ({ rows: [], stamp: undefined }),
    client: () => Promise.reject(new Error('no client')),
    close: async () => undefined,
  };
  return { store, applied, marker: () => marker };
}

const run = (id: string, minute: number, kind = 'incremental', dates: string[] = []): RunRecord => ({ runId: id, kind, finishedAt: `2026-11-24T10:${String(minute).padStart(2, '0')}:00.000Z`, touchedDates: dates });

test('nothing is published while a transform run holds its lease', async () => {
  const marts = new FakeMarts();
  marts.running = true;
  marts.runs = [run('r1', 0)];
  const { store, marker } = fakeStore();
  expect((await createPublisher({ marts, store, log: silent }).publish()).status).toBe('transform_running');
  expect(marker()).toBeUndefined();
});

test('an empty store gets a full publish; then the unpublished runs are published together, over their touched dates only', async () => {
  const marts = new FakeMarts();
  marts.runs = [run('r1', 0, 'full_refresh')];
  const { store, marker } = fakeStore();
  const publisher = createPublisher({ marts, store, log: silent, now: () => new Date('2026-11-24T11:00:00.000Z') });

  const first = await publisher.publish();
  expect(first).toMatchObject({ status: 'published', mode: 'full', runs: ['r1'], merchants: 1 });
  expect(marts.scopes.every((s) => 'merchants' in s)).toBe(true);
  expect(marker()).toEqual({ run_id: 'r1', run_at: '2026-11-24T10:00:00.000Z', published_at: '2026-11-24T11:00:00.000Z' });
  expect((await publisher.publish()).status).toBe('up_to_date');

  marts.runs.push(run('r2', 15, 'incremental', ['2026-11-23', '2026-11-24']), run('r3', 30, 'backfill', ['2026-11-01']));
  marts.scopes = [];
  const second = await publisher.publish();
  expect(second).toMatchObject({ status: 'published', mode: 'incremental', runs: ['r2', 'r3'], dates: ['2026-11-01', '2026-11-23', '2026-11-24'] });
  expect(second.bytesProcessed).toBe(5 * 10 + 1);
  expect(marts.scopes).toEqual(Array(5).fill({ dates: ['2026-11-01', '2026-11-23', '2026-11-24'] }));
  expect(marker()?.run_id).toBe('r3');
  expect((await publisher.publish()).status).toBe('up_to_date');

  marts.runs.push(run('r4', 45, 'incremental', ['2026-11-24']), run('r5', 50, 'full_refresh'));
  expect(await publisher.publish()).toMatchObject({ mode: 'full', runs: ['r4', 'r5'] });
  // A forced full publish with no new run republishes the marker's run.
  expect(await publisher.publish({ full: true })).toMatchObject({ status: 'published', mode: 'full', runs: ['r5'] });
});
