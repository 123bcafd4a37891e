// The careful path of load jobs: CSV parsing with BigQuery's options and per-record errors worded
// as BigQuery's ("... in row starting at position N ... File: gs://...").
import { checkCsv, checkJsonLines, parseCsv } from '../../../../emulators/bigquery/load-rows';
import { type FieldSchema } from '../../../../emulators/bigquery/schema';

const fields: FieldSchema[] = [
  { name: 'id', type: 'INTEGER', mode: 'REQUIRED' },
  { name: 'name', type: 'STRING', mode: 'NULLABLE' },
];
const csv = { delimiter: ',', quote: '"', skipLeadingRows: 0, allowJaggedRows: false, allowQuotedNewlines: false };

describe('load rows', () => {
  it('parses quotes, doubled quotes, delimiters inside quotes, CRLF and a custom delimiter', () => {
    expect(parseCsv('1,"a,""b"""\r\n2,\n', ',', '"').map((r) => r.values)).toEqual([['1', 'a,"b"'], ['2', '']]);
    expect(parseCsv('1;x\n', ';', '"').map((r) => r.values)).toEqual([['1', 'x']]);
    expect(parseCsv('1,"open\n', ',', '"')[0].error).toMatch(/Missing close double quote/);
    expect(parseCsv("1,'q'\n", ',', '')[0].values).toEqual(['1', "'q'"]);
  });

  it('checks CSV records against the schema: empty is NULL, wrong counts and types are bad records', () => {
    const out = checkCsv('h1,h2\n1,a\n,b\nx,c\n1,2,3\n4\n', 'gs://b/f.csv', fields, { ...csv, skipLeadingRows: 1 });
    expect(out.records).toBe(5);
    expect(out.rows).toEqual([{ id: '1', name: 'a' }]);
    expect(out.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/Missing required field: id.*File: gs:\/\/b\/f\.csv$/),
      expect.stringMatching(/Cannot convert value to integer/),
      expect.stringMatching(/Too many values/),
      expect.stringMatching(/only 1 columns/),
    ]);
    expect(checkCsv('4\n', 'gs://b/f.csv', fields, { ...csv, allowJaggedRows: true }).rows).toEqual([{ id: '4', name: null }]);
  });

  it('checks JSON lines: parse errors, unknown fields unless ignored, positions in bytes', () => {
    const text = '{"id": 1}\n\n{"id": "é", "x": 1}\n{oops\n';
    const strict = checkJsonLines(text, 'gs://b/f.json', fields, false);
    expect(strict.records).toBe(3);
    expect(strict.rows).toEqual([{ id: '1', name: null }]);
    expect(strict.errors[0].message).toMatch(/no such field: x.*position 11\./);
    expect(strict.errors[1].message).toMatch(/JSON parsing error/);
    expect(checkJsonLines('{"id": 2, "x": 1}\n', 'gs://b/f.json', fields, true).rows).toEqual([{ id: '2', name: null }]);
  });
});
