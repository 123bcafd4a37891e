// The GoogleSQL corpus (queries.ts) over fixed tables (fixtures.ts), through the official client,
// in strict mode: every query must pass ZetaSQL's analysis and return the hand-worked result.
import { type Dataset } from '@google-cloud/bigquery';
import { type Harness, plain, startHarness, uniqueName } from '../helpers';
import { FIXTURES } from './fixtures';
import { CORPUS } from './queries';

describe('GoogleSQL corpus (strict mode)', () => {
  let h: Harness;
  let ds: Dataset;
  beforeAll(async () => {
    h = await startHarness({ strictGoogleSql: true });
    [ds] = await h.bq.createDataset(uniqueName('corpus'));
    for (const f of FIXTURES) {
      const [t] = await ds.createTable(f.name, { schema: f.schema });
      await t.insert(f.rows);
    }
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  it('has at least 60 queries with distinct names', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CORPUS.map((q) => q.name)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS.map((q) => [q.name, q] as const))('%s', async (_name, q) => {
    const [rows] = await h.bq.query({ query: q.sql.replace(/\{ds\}/g, ds.id!) });
    expect(plain(rows)).toEqual(q.expected);
  });
});
