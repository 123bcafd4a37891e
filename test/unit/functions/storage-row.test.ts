// toStorageRow: what the managed writer encodes, column by column of the BigQuery schema.
import type { BigQueryField } from '../../../contracts/bigquery-schema';
import { toStorageRow } from '../../../functions/ingest/storage-row';

const schema: BigQueryField[] = [
  { name: 'id', type: 'STRING', mode: 'REQUIRED' },
  { name: 'at', type: 'TIMESTAMP', mode: 'NULLABLE' },
  { name: 'doc', type: 'JSON', mode: 'NULLABLE' },
  { name: 'tags', type: 'STRING', mode: 'REPEATED' },
  {
    name: 'lines',
    type: 'RECORD',
    mode: 'REPEATED',
    fields: [
      { name: 'sku', type: 'STRING', mode: 'REQUIRED' },
      { name: 'shipped_at', type: 'TIMESTAMP', mode: 'NULLABLE' },
    ],
  },
  { name: 'customer', type: 'RECORD', mode: 'NULLABLE', fields: [{ name: 'seen', type: 'TIMESTAMP', mode: 'REPEATED' }] },
];

describe('toStorageRow', () => {
  it('converts timestamps to Dates and JSON columns to text, through records and arrays, in schema order', () => {
    const row = toStorageRow(schema, {
      customer: { seen: ['2026-11-23T18:00:00Z', null] },
      lines: [{ sku: 'PZ', shipped_at: '2026-11-23T18:39:59.5Z', extra: 1 }, null],
      tags: ['a', undefined],
      doc: { b: [1, 2] },
      at: '2026-11-23T18:04:05.120Z',
      id: 'x',
      unknown: 'dropped',
    });
    expect(row).toEqual({
      id: 'x',
      at: new Date('2026-11-23T18:04:05.120Z'),
      doc: '{"b":[1,2]}',
      tags: ['a', null],
      lines: [{ sku: 'PZ', shipped_at: new Date('2026-11-23T18:39:59.500Z') }, null],
      customer: { seen: [new Date('2026-11-23T18:00:00Z'), null] },
    });
    expect(Object.keys(row)).toEqual(['id', 'at', 'doc', 'tags', 'lines', 'customer']);
  });

  it('keeps nulls, leaves out undefined, and passes through values that are already converted or odd', () => {
    const at = new Date(0);
    expect(toStorageRow(schema, { id: 'x', at, doc: 'as text', tags: 'one', lines: undefined, customer: null })).toEqual({ id: 'x', at, doc: 'as text', tags: 'one', customer: null });
    expect(toStorageRow(schema, { id: 'x', customer: 'not a record', lines: [['nested']] })).toEqual({ id: 'x', customer: 'not a record', lines: [['nested']] });
  });

  it('gives the same result on repeated calls with the same schema', () => {
    const input = { id: 'x', at: '2026-11-23T18:04:05.120Z' };
    expect(toStorageRow(schema, input)).toEqual(toStorageRow(schema, input));
  });
});
