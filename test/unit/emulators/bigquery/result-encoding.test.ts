// Result encoding as BigQuery's REST API returns it (https://cloud.google.com/bigquery/docs/reference/rest/v2/tabledata/list
// and jobs.getQueryResults): every cell {v: string|null}, RECORD {v:{f:[...]}}, REPEATED {v:[{v}]},
// TIMESTAMP int64 microseconds with formatOptions.useInt64Timestamp, else float seconds.
import { blobValue, dateValue, decimalValue, intervalValue, listValue, structValue, timeValue, timestampTZValue, timestampValue } from '@duckdb/node-api';
import { encodeRow, encodeScalar, formatInterval, formatSeconds, trimDecimal } from '../../../../emulators/bigquery/result-encoding';
import { type FieldSchema } from '../../../../emulators/bigquery/schema';

const int64 = { useInt64Timestamp: true };
const legacy = { useInt64Timestamp: false };

describe('result encoding', () => {
  it('encodes every scalar as a string', () => {
    expect(encodeScalar('INTEGER', 9007199254740993n, int64)).toBe('9007199254740993');
    expect(encodeScalar('FLOAT', 0.5, int64)).toBe('0.5');
    expect(encodeScalar('FLOAT', Number.NaN, int64)).toBe('NaN');
    expect(encodeScalar('FLOAT', -Infinity, int64)).toBe('-Infinity');
    expect(encodeScalar('BOOLEAN', true, int64)).toBe('true');
    expect(encodeScalar('BOOLEAN', false, int64)).toBe('false');
    expect(encodeScalar('STRING', 'é', int64)).toBe('é');
    expect(encodeScalar('BYTES', blobValue(new Uint8Array([0xff, 0x00, 0x41])), int64)).toBe('/wBB');
    expect(encodeScalar('DATE', dateValue(19783), int64)).toBe('2024-03-01');
    expect(encodeScalar('DATETIME', timestampValue(1709317800123456n), int64)).toBe('2024-03-01T18:30:00.123456');
    expect(encodeScalar('TIME', timeValue(3_723_000_001n), int64)).toBe('01:02:03.000001');
  });

  it('encodes NUMERIC as a decimal string without trailing zeros, and a DOUBLE standing in with nine decimals', () => {
    expect(encodeScalar('NUMERIC', decimalValue(12500000000n, 38, 9), int64)).toBe('12.5');
    expect(encodeScalar('NUMERIC', decimalValue(-1000000000n, 38, 9), int64)).toBe('-1');
    expect(encodeScalar('NUMERIC', 0.1 + 0.2, int64)).toBe('0.3');
    expect(trimDecimal('-0.000')).toBe('0');
  });

  it('encodes TIMESTAMP as int64 microseconds, or legacy float seconds, before 1970 too', () => {
    const ts = timestampTZValue(1709317800123456n);
    expect(encodeScalar('TIMESTAMP', ts, int64)).toBe('1709317800123456');
    expect(encodeScalar('TIMESTAMP', ts, legacy)).toBe('1709317800.123456');
    expect(formatSeconds(-1_500_000n)).toBe('-2.5');
    expect(formatSeconds(2_000_000n)).toBe('2');
  });

  it("encodes INTERVAL in BigQuery's canonical 'Y-M D H:M:S' form", () => {
    expect(formatInterval(intervalValue(14, 3, 3_723_500_000n))).toBe('1-2 3 1:2:3.5');
    expect(formatInterval(intervalValue(0, 0, -60_000_000n))).toBe('0-0 0 -0:1:0');
  });

  it('nests RECORD as {f:[...]} and REPEATED as [{v}], with TIMESTAMPs inside in microseconds', () => {
    const fields: FieldSchema[] = [
      { name: 'id', type: 'INTEGER', mode: 'NULLABLE' },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      {
        name: 'rec',
        type: 'RECORD',
        mode: 'NULLABLE',
        fields: [
          { name: 'at', type: 'TIMESTAMP', mode: 'REPEATED' },
          { name: 'n', type: 'NUMERIC', mode: 'NULLABLE' },
        ],
      },
      { name: 'missing', type: 'STRING', mode: 'NULLABLE' },
      { name: 'empty', type: 'INTEGER', mode: 'REPEATED' },
    ];
    const row = encodeRow(
      fields,
      [1n, listValue(['a', 'b']), structValue({ at: listValue([timestampTZValue(1_000_000n)]), n: null }), null, null],
      int64,
    );
    expect(row).toEqual({
      f: [{ v: '1' }, { v: [{ v: 'a' }, { v: 'b' }] }, { v: { f: [{ v: [{ v: '1000000' }] }, { v: null }] } }, { v: null }, { v: [] }],
    });
  });
});
