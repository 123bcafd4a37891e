// Reference snapshots (merchants, stores, products, …) for the demo: uploaded to the landing bucket
// under `reference/` (outside the POS loader's `pos/` prefix) and loaded with one WRITE_TRUNCATE
// load job per table, so loading the same snapshot again replaces it instead of doubling it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import type { Storage } from '@google-cloud/storage';
import { REFERENCE_TABLES } from '../generator/reference-tables';

export async function loadReferenceSnapshots(clients: { storage: Storage; bigquery: BigQuery }, dataDir: string, bucket: string, dataset = 'raw'): Promise<number> {
  let rows = 0;
  for (const [file, table] of Object.entries(REFERENCE_TABLES)) {
    const text = readFileSync(join(dataDir, 'reference', `${file}.ndjson`));
    const object = clients.storage.bucket(bucket).file(`reference/${file}.ndjson`);
    await object.save(text, { resumable: false, contentType: 'application/x-ndjson' });
    await clients.bigquery.dataset(dataset).table(table).load(object, { sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_TRUNCATE' });
    rows += text.toString('utf8').split('\n').filter((l) => l.trim() !== '').length;
  }
  return rows;
}
