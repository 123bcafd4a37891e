// Value encodings of the Storage Write API's proto rows.
// https://cloud.google.com/bigquery/docs/write-api#data_type_conversions
import { daysToDate, microsToTimestamp, packedDecimal } from '../../../../emulators/bigquery/storage-write/row-decoder';

/** NUMERIC bytes as the service expects them: little-endian two's complement of value × 10^scale. */
function pack(value: bigint): string {
  const bytes: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0xffn);
    bytes.push(byte);
    v >>= 8n;
    if ((v === 0n && !(byte & 0x80)) || (v === -1n && byte & 0x80)) break;
  }
  return Buffer.from(bytes).toString('base64');
}

describe('storage write row values', () => {
  it('TIMESTAMP int64 microseconds → UTC literal, before and after the epoch', () => {
    expect(microsToTimestamp(1_772_390_415_123_456n)).toBe('2026-03-01 18:40:15.123456+00');
    expect(microsToTimestamp(0n)).toBe('1970-01-01 00:00:00.000000+00');
    expect(microsToTimestamp(-1n)).toBe('1969-12-31 23:59:59.999999+00');
  });

  it('DATE int32 days since the epoch', () => {
    expect(daysToDate(0)).toBe('1970-01-01');
    expect(daysToDate(20513)).toBe('2026-03-01');
    expect(daysToDate(-1)).toBe('1969-12-31');
  });

  it('NUMERIC and BIGNUMERIC packed bytes', () => {
    expect(packedDecimal(pack(12_340_000_001n), 9)).toBe('12.340000001');
    expect(packedDecimal(pack(-1_500_000_000n), 9)).toBe('-1.5');
    expect(packedDecimal(pack(0n), 9)).toBe('0');
    expect(packedDecimal(pack(10n ** 38n), 38)).toBe('1');
  });
});
