// The adapter between per-row TypeScript functions and DuckDB's scalar functions.
import { DuckDBInstance } from '@duckdb/node-api';
import { FunctionError, type JsFunction, registerFunctions } from '../../../../../emulators/bigquery/udfs';

const FUNCTIONS: JsFunction[] = [
  { name: 'pf_test_reverse', parameters: ['string'], returns: 'string', call: (s: string) => [...s].reverse().join('') },
  { name: 'pf_test_len', parameters: ['bytes'], returns: 'int', call: (b: Uint8Array) => BigInt(b.length) },
  { name: 'pf_test_nulls', parameters: ['string'], returns: 'string', nullArguments: true, call: (s: string | null) => (s === null ? 'was null' : s) },
  { name: 'pf_test_split', parameters: ['string'], returns: 'strings', call: (s: string) => s.split(',') },
  { name: 'pf_test_refuse', parameters: ['int'], returns: 'int', call: (n: bigint) => { if (n < 0n) throw new FunctionError(`negative: ${n}`); return n; } },
];

async function query(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const first = await instance.connect();
  registerFunctions(first, FUNCTIONS);
  const other = await instance.connect(); // registered on the database, not only the connection
  return (await other.runAndReadAll(sql)).getRowsJson() as unknown[][];
}

describe('registerFunctions', () => {
  it('answers each row through the TypeScript function, on every connection of the instance', async () => {
    expect(await query("SELECT pf_test_reverse(x) FROM (VALUES ('abc'), ('été')) t(x) ORDER BY 1")).toEqual([['cba'], ['été']]);
  });

  it('passes BYTES as bytes and takes bigint, list results', async () => {
    expect(await query("SELECT pf_test_len('\\xAA\\xBB'::BLOB), pf_test_split('a,b')")).toEqual([['2', ['a', 'b']]]);
  });

  it('answers NULL for a NULL argument unless the function asks to see it', async () => {
    expect(await query('SELECT pf_test_reverse(NULL), pf_test_nulls(NULL)')).toEqual([[null, 'was null']]);
  });

  it("fails the query with the function's message when it refuses a row", async () => {
    await expect(query('SELECT pf_test_refuse(x) FROM (VALUES (1), (-2)) t(x)')).rejects.toThrow('negative: -2');
  });
});
