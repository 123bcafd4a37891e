// FORMAT's %t, %T and ' flag (string_functions#format_string), as pure functions.
import { formatString, needsJsFormat, parseType } from '../../../../../emulators/bigquery/udfs/format-string';

describe('formatString', () => {
  it('is used only for %t, %T and the thousands flag', () => {
    expect(needsJsFormat('%d %s')).toBe(false);
    expect(needsJsFormat("%'d")).toBe(true);
    expect(needsJsFormat('x %T')).toBe(true);
  });

  it('writes scalars with %t as values and with %T as literals', () => {
    expect(formatString('%t|%T', ['VARCHAR', '"a\\"b"', 'VARCHAR', '"a\\"b"'])).toBe(`a"b|'a"b'`);
    expect(formatString('%T|%t', ['BLOB', '"\\\\xAB\\\\x5Cc\\\\x22"', 'BLOB', '"abc"'])).toBe(`b'\\xab\\\\c"'|abc`);
    expect(formatString('%T %T %T %T', ['INTEGER', '5', 'DOUBLE', '1.5', 'DOUBLE', '3.0', 'DOUBLE', 'NaN'])).toBe('5 1.5 3.0 CAST("nan" AS FLOAT64)');
    expect(formatString('%T %t', ['DECIMAL(38,9)', '1.250', 'DATE', '"2020-01-02"'])).toBe('NUMERIC "1.25" 2020-01-02');
    expect(formatString('%t|%T', ['TIMESTAMP WITH TIME ZONE', '"2015-09-01 19:34:56+00"', 'TIMESTAMP', '"2015-09-01 19:34:56.5"'])).toBe('2015-09-01 19:34:56+00|DATETIME "2015-09-01 19:34:56.500"');
  });

  it('escapes as BigQuery does: \\n in STRINGs but \\x0a in BYTES, other controls as \\xNN, every quote in %t of BYTES', () => {
    expect(formatString('%T', ['VARCHAR', '"a\\nb\\u0001c"'])).toBe('"a\\nb\\x01\\x63"');
    expect(formatString('%T|%t', ['BLOB', '"a\\\\x0A\\\\x27"', 'BLOB', '"\\\\x27\\\\x22"'])).toBe(`b"a\\x0a'"|\\'\\"`);
  });

  it('writes ARRAYs as [..] and STRUCTs as (..) (STRUCT(..) for a literal of one field), NULL as NULL', () => {
    expect(formatString('%T|%t', ['STRUCT(a INTEGER)', '{"a":1}', 'STRUCT(a INTEGER)', '{"a":1}'])).toBe('STRUCT(1)|(1)');
    expect(formatString('%T', ['INTEGER[]', '[null,1,2]'])).toBe('[NULL, 1, 2]');
    expect(formatString('%T', ['STRUCT(a INTEGER, b VARCHAR[])', '{"a":1,"b":["x"]}'])).toBe('(1, ["x"])');
    expect(formatString('%t', ['"NULL"', null])).toBe('NULL');
  });

  it("groups digits with ', and answers NULL for a NULL argument of another specifier", () => {
    expect(formatString("%'d|%'12d", ['INTEGER', '123456789', 'BIGINT', '-1234567'])).toBe('123,456,789|  -1,234,567');
    expect(formatString("%'d %T", ['INTEGER', null, 'INTEGER', '1'])).toBeNull();
  });

  it('writes JSON compact with sorted keys (JSON \'…\' for %T), INTERVAL as Y-M D H:M:S, NUMERIC types by their scale', () => {
    expect(formatString('%T|%t', ['JSON', '{"b":1,"a":[1.5,"x"]}', 'JSON', '"s"'])).toBe(`JSON '{"a":[1.5,"x"],"b":1}'|"s"`);
    expect(() => formatString('%t', ['JSON', '100000000000000000000.0'])).toThrow('is not supported by the BigQuery emulator');
    expect(formatString('%t|%T', ['INTERVAL', '"1 year 2 months 3 days 04:05:06.789"', 'INTERVAL', '"-3 days -00:00:01"'])).toBe('1-2 3 4:5:6.789|INTERVAL "0-0 -3 -0:0:1" YEAR TO SECOND');
    expect(formatString('%T %T', ['DECIMAL(38,9)', '100.000000000', 'DECIMAL(38,18)', '1.5'])).toBe('NUMERIC "100" BIGNUMERIC "1.5"');
  });

  it('reads nested DuckDB type names', () => {
    expect(parseType('STRUCT("a b" INTEGER, c STRUCT(d DATE)[])')).toEqual({
      kind: 'struct',
      fields: [
        { name: '"a b"', type: { kind: 'scalar', name: 'INTEGER' } },
        { name: 'c', type: { kind: 'array', element: { kind: 'struct', fields: [{ name: 'd', type: { kind: 'scalar', name: 'DATE' } }] } } },
      ],
    });
  });
});
