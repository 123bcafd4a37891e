// Dataset and table lifecycle through the official client.
import { type Harness, startHarness, uniqueName } from './helpers';

describe('BigQuery emulator: datasets and tables', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  it('creates, gets, lists, patches and deletes a dataset', async () => {
    const id = uniqueName('ds');
    const [ds] = await h.bq.createDataset(id, { description: 'first' });
    expect(ds.id).toBe(id);
    const [meta] = await ds.getMetadata();
    expect(meta.description).toBe('first');
    const [list] = await h.bq.getDatasets();
    expect(list.map((d) => d.id)).toContain(id);
    await ds.setMetadata({ description: 'second' });
    expect((await ds.getMetadata())[0].description).toBe('second');
    await expect(h.bq.createDataset(id)).rejects.toMatchObject({ code: 409 });
    await ds.delete();
    await expect(h.bq.dataset(id).get()).rejects.toMatchObject({ code: 404 });
  });

  it('refuses to delete a non-empty dataset unless deleteContents', async () => {
    const [ds] = await h.bq.createDataset(uniqueName('ds'));
    await ds.createTable('t', { schema: [{ name: 'a', type: 'INT64' }] });
    await expect(ds.delete()).rejects.toMatchObject({ code: 400 });
    await ds.delete({ force: true });
  });

  it('creates a partitioned, clustered table with a nested schema and reads it back', async () => {
    const [ds] = await h.bq.createDataset(uniqueName('ds'));
    const schema = [
      { name: 'id', type: 'STRING', mode: 'REQUIRED' },
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'store', type: 'STRING' },
      { name: 'items', type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'sku', type: 'STRING' }, { name: 'qty', type: 'INT64' }] },
    ];
    const [table] = await ds.createTable('orders', {
      schema,
      timePartitioning: { type: 'DAY', field: 'ts' },
      clustering: { fields: ['store'] },
      description: 'orders',
    });
    const [meta] = await table.getMetadata();
    expect(meta.timePartitioning).toEqual({ type: 'DAY', field: 'ts' });
    expect(meta.clustering).toEqual({ fields: ['store'] });
    expect(meta.schema.fields[3]).toMatchObject({ name: 'items', type: 'RECORD', mode: 'REPEATED' });
    expect(meta.numRows).toBe('0');
    const [tables] = await ds.getTables();
    expect(tables.map((t) => t.id)).toEqual(['orders']);
    await table.setMetadata({ description: 'patched', schema: [...schema, { name: 'note', type: 'STRING' }] });
    const [after] = await table.getMetadata();
    expect(after.description).toBe('patched');
    expect(after.schema.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'ts', 'store', 'items', 'note']);
    await table.delete();
    await expect(table.get()).rejects.toMatchObject({ code: 404 });
  });

  it('adds NULLABLE columns to a table with rows through setMetadata: the rows stay, NULL in the new columns, and new rows fill them', async () => {
    const [ds] = await h.bq.createDataset(uniqueName('ds'));
    const schema = [
      { name: 'id', type: 'STRING', mode: 'REQUIRED' },
      { name: 'ts', type: 'TIMESTAMP', mode: 'REQUIRED' },
    ];
    const [table] = await ds.createTable('events', { schema, timePartitioning: { type: 'DAY', field: 'ts' } });
    await table.insert([{ id: 'v1', ts: '2026-12-01T10:00:00Z' }]);
    await table.setMetadata({ schema: [...schema, { name: 'note', type: 'STRING', mode: 'NULLABLE' }, { name: 'fee_cents', type: 'INT64', mode: 'NULLABLE' }] });
    await table.insert([{ id: 'v2', ts: '2026-12-01T11:00:00Z', note: 'ring twice', fee_cents: 120 }]);
    const [rows] = await h.bq.query({ query: `SELECT id, note, fee_cents FROM \`${ds.id}.events\` ORDER BY id` });
    expect(rows).toEqual([
      { id: 'v1', note: null, fee_cents: null },
      { id: 'v2', note: 'ring twice', fee_cents: 120 },
    ]);
    await expect(table.setMetadata({ schema: [...schema, { name: 'must', type: 'STRING', mode: 'REQUIRED' }] })).rejects.toMatchObject({ code: 400 });
  });

  it('rejects invalid partitioning and unknown datasets', async () => {
    const [ds] = await h.bq.createDataset(uniqueName('ds'));
    await expect(ds.createTable('bad', { schema: [{ name: 'a', type: 'STRING' }], timePartitioning: { type: 'DAY', field: 'a' } })).rejects.toMatchObject({ code: 400 });
    await expect(h.bq.dataset('nope').createTable('t', { schema: [{ name: 'a', type: 'STRING' }] })).rejects.toMatchObject({ code: 404 });
  });

  it('creates a view and expires tables', async () => {
    const [ds] = await h.bq.createDataset(uniqueName('ds'));
    await ds.createTable('base', { schema: [{ name: 'a', type: 'INT64' }] });
    const [view] = await ds.createTable('v', { view: { query: `SELECT a * 2 AS b FROM \`${ds.id}.base\``, useLegacySql: false } });
    const [vmeta] = await view.getMetadata();
    expect(vmeta.type).toBe('VIEW');
    expect(vmeta.schema.fields).toEqual([{ name: 'b', type: 'INTEGER', mode: 'NULLABLE' }]);
    await ds.createTable('short', { schema: [{ name: 'a', type: 'INT64' }], expirationTime: String(Date.now() - 1) });
    await expect(ds.table('short').get()).rejects.toMatchObject({ code: 404 });
  });
});
