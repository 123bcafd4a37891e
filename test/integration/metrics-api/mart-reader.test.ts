// The publisher's BigQuery reader before any transform ran: the run-control tables do not exist
// yet, BigQuery answers 404, and the reader reads that as "no run holds the lease, none recorded"
// rather than failing the publish.
import { BigQuery } from '@google-cloud/bigquery';
import { startBigquery, type BigqueryEmulator } from '@pizzaflow/emulators';
import { createMartReader } from '../../../functions/metrics-api/serving/marts';

let emulator: BigqueryEmulator;
let bigquery: BigQuery;

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  emulator = await startBigquery({ port: 0, logLevel: 'silent', project: 'p' });
  bigquery = new BigQuery({ projectId: 'p', apiEndpoint: emulator.url });
});
afterAll(async () => {
  await emulator?.close();
});

test('with no lease or run-record table yet, no transform is running and no run is recorded; a missing mart still fails its query', async () => {
  const reader = createMartReader({ bigquery, project: 'p' });
  expect(await reader.transformRunning()).toBe(false);
  expect(await reader.runsAfter(undefined)).toEqual([]);
  expect(await reader.runsAfter({ runId: 'r1', runAt: '2026-12-01T00:00:00Z' })).toEqual([]);
  await expect(reader.merchants()).rejects.toThrow();
});
