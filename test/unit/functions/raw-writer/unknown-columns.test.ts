import { unknownColumns, type RawRow } from '../../../../functions/ingest/raw-writer/managed-append';

describe('unknownColumns (a row naming a column the write stream was opened without)', () => {
  const fields = [{ name: 'event_id' }, { name: 'Schema_Version' }];

  it('names the top-level columns some row sets that the schema lacks, once each', () => {
    const rows: RawRow[] = [
      { event_id: 'a', schema_version: 2, service_fee_cents: 116 },
      { event_id: 'b', schema_version: 2, service_fee_cents: 0, delivery_note: 'pii1_x' },
    ];
    expect(unknownColumns(fields, rows)).toEqual(['service_fee_cents', 'delivery_note']);
  });

  it('ignores columns left null, and compares names case-insensitively as BigQuery does', () => {
    expect(unknownColumns(fields, [{ event_id: 'a', SCHEMA_VERSION: 1, service_fee_cents: null }])).toEqual([]);
  });
});
