import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrivalHourOf, lineArrivals, openFeed, posArrival } from '../../../tools/demo/feed';
import { generate } from '../../../tools/generator';

const HOUR = Date.parse('2026-11-23T18:00:00Z');

describe('demo feed', () => {
  it('reads arrival hours from file names', () => {
    expect(arrivalHourOf('2026-11-23T18.ndjson')).toBe(HOUR);
    expect(arrivalHourOf('faults.json')).toBeUndefined();
  });

  it('places each line at its event time, clamped into its arrival hour and never before the line above', () => {
    const line = (t: string) => `{"event_id":"e","event_time":"${t}"}`;
    const arrivals = lineArrivals(
      [line('2026-11-23T18:10:00.000Z'), line('2026-11-23T16:00:00.000Z'), '{not json', line('2026-11-23T18:30:00.000Z'), line('2026-11-23T19:30:00.000Z')],
      HOUR,
    );
    expect(arrivals.map((ms) => new Date(ms).toISOString().slice(11, 19))).toEqual(['18:10:00', '18:10:00', '18:10:00', '18:30:00', '18:59:59']);
  });

  it('lands a POS file two minutes after its window closes, a resend or re-upload ten', () => {
    expect(new Date(posArrival('pos/store=s0001/date=2026-11-23/1815.ndjson.gz')!).toISOString()).toBe('2026-11-23T18:32:00.000Z');
    expect(new Date(posArrival('pos/store=s0001/date=2026-11-23/1815-resend1.ndjson.gz')!).toISOString()).toBe('2026-11-23T18:40:00.000Z');
    expect(posArrival('reference/stores.ndjson')).toBeUndefined();
  });

  it('plays every line and file of a generated data set once, in arrival order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pizzaflow-feed-'));
    try {
      const summary = await generate({ stores: 2, hours: 3, start: '2026-11-23T17:00:00Z', seed: 3, outDir: dir, faultRate: 0.05 });
      const feed = openFeed(dir);
      expect(feed.totals).toEqual({ orderEvents: summary.lines.online, webhooks: summary.lines.deliveries, posFiles: summary.files.pos });
      const items = feed.hours.flatMap((h) => feed.itemsOf(h));
      expect(items.filter((i) => i.kind === 'order-event')).toHaveLength(summary.lines.online);
      expect(items.filter((i) => i.kind === 'webhook')).toHaveLength(summary.lines.deliveries);
      expect(items.filter((i) => i.kind === 'pos-file')).toHaveLength(summary.files.pos);
      for (let i = 1; i < items.length; i++) expect(items[i]!.atMs).toBeGreaterThanOrEqual(items[i - 1]!.atMs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
