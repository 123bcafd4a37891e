// A script sent again with other variable values (a scheduled transform's watermarks and run ids)
// reuses its statements' translation templates, and answers for the new values every time: through
// the official client, against an emulator with templates and one without.
import { type Dataset } from '@google-cloud/bigquery';
import { type Harness, startHarness, uniqueName } from './helpers';

describe('BigQuery emulator: script statements through translation templates', () => {
  const harnesses: Record<'templates' | 'plain', Harness | undefined> = { templates: undefined, plain: undefined };
  beforeAll(async () => {
    harnesses.templates = await startHarness();
    harnesses.plain = await startHarness({ translationTemplates: false });
  });
  afterAll(async () => {
    await harnesses.templates?.emulator.close();
    await harnesses.plain?.emulator.close();
  });

  async function setUp(h: Harness): Promise<Dataset> {
    const [ds] = await h.bq.createDataset(uniqueName('templates'));
    await h.bq.query({
      query: `CREATE TABLE \`${ds.id}.events\` PARTITION BY d AS
        SELECT DATE_ADD(DATE '2026-11-20', INTERVAL n DAY) AS d, TIMESTAMP_ADD(TIMESTAMP '2026-11-20 00:00:00+00', INTERVAL n HOUR) AS ts,
          IF(MOD(n, 2) = 0, 'run-a', "o'brien") AS holder, n
        FROM UNNEST(GENERATE_ARRAY(0, 5)) AS n`,
    });
    return ds;
  }

  const script = (ds: Dataset, since: string, holder: string, from: string) => `
    DECLARE since DATE DEFAULT DATE '${since}';
    DECLARE who STRING DEFAULT ${holder};
    DECLARE scan_from TIMESTAMP DEFAULT TIMESTAMP '${from}';
    DECLARE scan_to TIMESTAMP DEFAULT TIMESTAMP_ADD(scan_from, INTERVAL 3 HOUR);
    CREATE OR REPLACE TABLE \`${ds.id}.picked\` PARTITION BY d OPTIONS(description = 'picked') AS
      SELECT d, n FROM \`${ds.id}.events\` WHERE d >= since AND holder = who;
    INSERT INTO \`${ds.id}.picked\` (d, n) SELECT d, n + 100 FROM \`${ds.id}.events\` WHERE ts >= scan_from AND ts < scan_to;
    SELECT ARRAY_AGG(n ORDER BY n) AS ns, since AS since_date, who AS holder FROM \`${ds.id}.picked\``;

  const cases: [string, string, string, number[]][] = [
    ['2026-11-20', "'run-a'", '2026-11-20 00:00:00+00', [0, 2, 4, 100, 101, 102]],
    ['2026-11-22', "'run-a'", '2026-11-20 01:00:00+00', [2, 4, 101, 102, 103]],
    ['2026-11-21', "'o\\'brien'", '2026-11-20 04:00:00+00', [1, 3, 5, 104, 105]],
    ['2026-11-25', "'o\\'brien'", '2026-11-20 05:00:00+00', [5, 105]],
    ['2026-11-26', "'run-a'", '2026-11-19 22:00:00+00', [100]],
  ];

  it.each(['templates', 'plain'] as const)('answers for each run’s values (%s)', async (which) => {
    const h = harnesses[which] as Harness;
    const ds = await setUp(h);
    for (const [since, holder, from, ns] of cases) {
      const [rows] = await h.bq.query({ query: script(ds, since, holder, from) });
      expect(rows).toEqual([{ ns, since_date: expect.objectContaining({ value: since }), holder: holder.slice(1, -1).replace("\\'", "'") }]);
    }
  });
});
