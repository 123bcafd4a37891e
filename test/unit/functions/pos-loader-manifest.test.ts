// The POS loader's keyed manifest lookups: what each lookup asks for and its `recorded_at` bound
// (manifest-lookup.ts), and a run over the in-memory world that asks only about its own files, so
// the rows it reads do not grow with the manifest's history, with every decision unchanged.
import type { LoadManifestEntry } from '../../../contracts/ops';
import { CLOCK_SKEW_MS, contentLookups, objectsLookup, recordedLookups, recordedObjects, takeUnrecorded, type ListedObject, type ManifestLookup } from '../../../functions/pos-loader/manifest-lookup';
import { runPosLoader } from '../../../functions/pos-loader/run';
import { file, World } from '../../../tools/testing/pos-loader-world';

const now = () => Date.parse('2026-11-23T17:30:00Z');
const HOUR = 3_600_000;
const obj = (name: string, generation: string, timeCreated?: string): ListedObject => ({ bucket: 'landing', name, generation, ...(timeCreated ? { timeCreated } : {}) });
const sha = (n: number): string => n.toString(16).padStart(64, '0');

/** A manifest row; `store`'s file for a window, loaded, recorded at `recordedAt`. */
function row(name: string, generation: string, recordedAt: string, o: Partial<LoadManifestEntry> = {}): LoadManifestEntry {
  return {
    recorded_at: recordedAt, bucket: 'landing', object_name: name, generation, content_sha256: sha(1), merchant_id: 'm0001', store_id: 's1',
    window_start: '2026-11-23T17:00:00.000Z', window_end: '2026-11-23T17:15:00.000Z', status: 'loaded', reason: null, transaction_rows: 1, inventory_rows: 0, load_job_id: 'j', ...o,
  };
}

/** `days` days of other stores' files before the run, `perDay` a day. */
function history(days: number, perDay: number): LoadManifestEntry[] {
  const rows: LoadManifestEntry[] = [];
  for (let d = 1; d <= days; d++) {
    for (let i = 0; i < perDay; i++) {
      const at = new Date(now() - d * 86_400_000 + i * 60_000).toISOString();
      rows.push(row(`pos/store=h${i}/${d}.ndjson.gz`, String(d * 10_000 + i), at, { store_id: `h${i}`, window_start: at, content_sha256: sha(d * 10_000 + i) }));
    }
  }
  return rows;
}

describe('manifest lookups', () => {
  it('asks for the distinct names of a batch, since its earliest creation less the clock allowance', () => {
    const l = objectsLookup([obj('a', '1', '2026-11-23T17:20:00Z'), obj('b', '2', '2026-11-23T16:50:00Z'), obj('a', '3', '2026-11-23T17:25:00Z')]);
    expect(l).toEqual({ kind: 'objects', names: ['a', 'b'], since: new Date(Date.parse('2026-11-23T16:50:00Z') - CLOCK_SKEW_MS).toISOString() });
    // One object without a creation time: no bound (the port's lookback applies).
    expect(objectsLookup([obj('a', '1', '2026-11-23T17:20:00Z'), obj('b', '2')])).toEqual({ kind: 'objects', names: ['a', 'b'] });
  });

  it('matches the generation: a row of another generation of the same name does not record the object', () => {
    const rows = [row('a', '1', '2026-11-23T17:00:00Z'), row('b', '9', '2026-11-23T17:00:00Z'), row('c', '3', '2026-11-23T17:00:00Z')];
    expect([...recordedObjects(rows, [obj('a', '1'), obj('b', '2')])]).toEqual(['a#1']);
  });

  it('takes the unrecorded objects oldest first in batches no larger than the files still wanted, and stops at the cap', async () => {
    const waiting = Array.from({ length: 10 }, (_, i) => obj(`o${i}`, String(i + 1)));
    const recorded = [row('o1', '2', 'x'), row('o2', '99', 'x'), row('o4', '5', 'x')]; // o1 and o4 are recorded; o2's row is another generation
    const asked: string[][] = [];
    const read = async (l: ManifestLookup & { kind: 'objects' }) => {
      asked.push(l.names);
      return recorded.filter((r) => l.names.includes(r.object_name));
    };
    const t = await takeUnrecorded(waiting, 4, read, 3);
    expect(t.fresh.map((o) => o.name)).toEqual(['o0', 'o2', 'o3', 'o5']);
    // 3 asked (o1 recorded: 2 taken), 2 more (o4 recorded: 1 taken), then the last one wanted.
    expect(asked).toEqual([['o0', 'o1', 'o2'], ['o3', 'o4'], ['o5']]);
    expect(t).toMatchObject({ lookups: 3, backlog: 4 });
    // Everything fits: every object is looked up once and nothing is left.
    const all = await takeUnrecorded(waiting, 100, read, 4);
    expect(all).toMatchObject({ lookups: 3, backlog: 0 });
    expect(all.fresh).toHaveLength(8);
    expect(await takeUnrecorded([], 5, read)).toEqual({ fresh: [], backlog: 0, lookups: 0 });
  });

  it('asks for the distinct contents of ok files, since the earliest window less the future allowance and an hour', () => {
    const v = (store: string, window: string, digest: string | null, ok = true) => ({ verdict: { ok, header: { store_id: store, window_start: window }, contentSha256: digest } });
    const lookups = contentLookups(
      [v('s1', '2026-11-23T17:00:00Z', sha(1)), v('s1', '2026-11-23T17:00:00.000Z', sha(1)), v('s2', '2026-11-23T16:45:00Z', sha(2)), v('s3', '2026-11-20T00:00:00Z', sha(3), false), v('s4', '2026-11-23T17:00:00Z', null), { verdict: { ok: true, header: null, contentSha256: sha(5) } }],
      24 * HOUR,
    );
    expect(lookups).toEqual([
      {
        kind: 'content',
        keys: [
          { store_id: 's1', window_start: '2026-11-23T17:00:00.000Z', content_sha256: sha(1) },
          { store_id: 's2', window_start: '2026-11-23T16:45:00.000Z', content_sha256: sha(2) },
        ],
        since: new Date(Date.parse('2026-11-23T16:45:00Z') - 25 * HOUR).toISOString(),
      },
    ]);
    const many = Array.from({ length: 5 }, (_, i) => v(`s${i}`, `2026-11-23T1${i}:00:00Z`, sha(i)));
    expect(contentLookups(many, HOUR, 2).map((l) => [l.keys.length, l.since])).toEqual([
      [2, '2026-11-23T08:00:00.000Z'],
      [2, '2026-11-23T10:00:00.000Z'],
      [1, '2026-11-23T12:00:00.000Z'],
    ]);
  });

  it("re-reads a plan's files since the plan's own recorded_at, in batches", () => {
    const rows = [row('a', '1', '2026-11-23T17:30:00.000Z'), row('b', '2', '2026-11-21T09:00:00.000Z'), row('c', '3', '2026-11-23T17:30:00.000Z')];
    expect(recordedLookups(rows)).toEqual([{ kind: 'objects', names: ['a', 'b', 'c'], since: '2026-11-21T09:00:00.000Z' }]);
    expect(recordedLookups(rows, 2).map((l) => l.since)).toEqual(['2026-11-21T09:00:00.000Z', '2026-11-23T17:30:00.000Z']);
  });
});

describe('runPosLoader with keyed manifest lookups', () => {
  it('asks only about its own files: the rows it reads are the same with no history and with 30 days of it', async () => {
    const outcome = async (days: number) => {
      const w = new World();
      w.manifest.push(...history(days, 200));
      w.put('pos/store=s1/1700.ndjson.gz', file('s1'), undefined, '2026-11-23T17:16:00Z');
      w.put('pos/store=s2/1700.ndjson.gz', file('s2'), undefined, '2026-11-23T17:16:30Z');
      w.put('pos/store=s2/1700-reupload.ndjson.gz', file('s2'), undefined, '2026-11-23T17:20:00Z');
      const summary = await runPosLoader(w, { now });
      return { summary, w, rowsRead: w.lookups.reduce((n, l) => n + l.rows, 0) };
    };
    const empty = await outcome(0);
    const month = await outcome(30);
    expect(month.w.manifest).toHaveLength(30 * 200 + 3);
    expect(month.summary).toEqual(empty.summary);
    expect(month.summary).toMatchObject({ files: 3, loaded: 2, archived: 1 });
    expect(month.rowsRead).toBe(empty.rowsRead);
    const kinds = month.w.lookups.map((l) => l.lookup);
    // The landed objects (since the oldest one's creation less the allowance), their content, then the plan's files.
    expect(kinds[0]).toEqual({ kind: 'objects', names: ['pos/store=s1/1700.ndjson.gz', 'pos/store=s2/1700.ndjson.gz', 'pos/store=s2/1700-reupload.ndjson.gz'], since: '2026-11-23T16:16:00.000Z' });
    expect(kinds[1]).toMatchObject({ kind: 'content', since: new Date(Date.parse('2026-11-23T17:00:00Z') - 25 * HOUR).toISOString() });
    expect((kinds[1] as ManifestLookup & { kind: 'content' }).keys.map((k) => k.store_id)).toEqual(['s1', 's2']);
    expect(kinds[2]).toEqual({ kind: 'objects', names: expect.arrayContaining(['pos/store=s1/1700.ndjson.gz']), since: '2026-11-23T17:30:00.000Z' });
    expect(kinds).toHaveLength(3);
  });

  it('archives a re-upload of content loaded days ago, and loads content another store or window has', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'));
    await runPosLoader(w, { now });
    const loaded = w.manifest[0]!;
    expect(loaded).toMatchObject({ status: 'loaded', recorded_at: '2026-11-23T17:30:00.000Z' });
    // Same content and window from the same store: archived. Rows of other stores and windows with the same digest do not count.
    w.manifest.push(row('pos/store=s9/x.ndjson.gz', '77', '2026-11-25T17:00:00Z', { store_id: 's9', content_sha256: loaded.content_sha256, window_start: loaded.window_start }));
    w.put('pos/store=s1/1700-again.ndjson.gz', file('s1'), undefined, '2026-11-25T17:20:00Z');
    w.put('pos/store=s9/1700.ndjson.gz', file('s9'), undefined, '2026-11-25T17:20:00Z');
    // Two days later: the content lookup reaches back to the window less the future allowance, not further.
    const s = await runPosLoader(w, { now: () => now() + 2 * 86_400_000 });
    expect(w.lookups.at(-2)!.lookup).toMatchObject({ kind: 'content', since: '2026-11-22T16:00:00.000Z' });
    expect(s).toMatchObject({ files: 2, loaded: 1, archived: 1 });
    expect(w.manifest.slice(-2).map((m) => [m.object_name, m.status])).toEqual([
      ['pos/store=s1/1700-again.ndjson.gz', 'archived'],
      ['pos/store=s9/1700.ndjson.gz', 'loaded'],
    ]);
  });

  it('skips a landed object its manifest row records (this generation only) and counts the backlog over the cap', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'), undefined, '2026-11-23T17:16:00Z'); // generation 1
    w.put('pos/store=s2/1700.ndjson.gz', file('s2'), undefined, '2026-11-23T17:16:00Z'); // generation 2
    w.put('pos/store=s3/1700.ndjson.gz', file('s3'), undefined, '2026-11-23T17:16:00Z'); // generation 3
    w.put('pos/store=s4/1700.ndjson.gz', file('s4'), undefined, '2026-11-23T17:16:00Z'); // generation 4
    w.manifest.push(row('pos/store=s1/1700.ndjson.gz', '1', '2026-11-23T17:17:00Z', { store_id: 's1' }));
    w.manifest.push(row('pos/store=s2/1700.ndjson.gz', '1', '2026-11-23T17:17:00Z', { store_id: 's2', status: 'quarantined' }));
    const s = await runPosLoader(w, { now, limits: { maxFilesPerRun: 2 } });
    // s1 is recorded (skipped, left in landing); s2's row is an older generation: judged, with s3; s4 waits.
    expect(s).toMatchObject({ files: 2, loaded: 2, backlog: 1 });
    expect(w.manifest.slice(-2).map((m) => m.store_id)).toEqual(['s2', 's3']);
    expect([...w.landing.keys()].sort()).toEqual(['pos/store=s1/1700.ndjson.gz', 'pos/store=s4/1700.ndjson.gz']);
  });

  it('writes plans without the listing creation time, so an interrupted run is finished without a second manifest row', async () => {
    const w = new World();
    w.put('pos/store=s1/1700.ndjson.gz', file('s1'), undefined, '2026-11-23T17:16:00Z');
    w.failAfterJobs = true;
    await expect(runPosLoader(w, { now })).rejects.toThrow('crash after the load job');
    expect(w.planRecords()[0]!.files[0]!.object).toEqual({ bucket: 'landing', name: 'pos/store=s1/1700.ndjson.gz', generation: '1', size: expect.any(Number) });
    w.failAfterJobs = false;
    // The manifest was appended, then the run stopped before deleting its plan.
    const appendManifest = w.appendManifest.bind(w);
    w.appendManifest = async (rows) => {
      await appendManifest(rows);
      throw new Error('crash after the manifest');
    };
    expect(await runPosLoader(w, { now })).toMatchObject({ blockedPlans: 1, recovered: 0 });
    w.appendManifest = appendManifest;
    expect(w.manifest).toHaveLength(1);
    const s = await runPosLoader(w, { now });
    expect(s).toMatchObject({ recovered: 1, loaded: 1 });
    expect(w.manifest).toHaveLength(1);
    expect(w.rows.pos_transactions).toHaveLength(1);
  });
});
