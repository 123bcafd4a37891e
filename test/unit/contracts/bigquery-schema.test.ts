import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { deriveBigQuerySchema, piiPaths, SchemaDerivationError } from '../../../contracts/bigquery-schema';
import { loadCatalog } from '../../../contracts/catalog';
import { onlineOrderEvent } from '../../../contracts/online-order';

// Golden files pin every catalog table's derived schema: a contract change that alters a table
// shows up as a reviewed diff. Regenerate with UPDATE_GOLDEN=1 npx jest bigquery-schema.
const GOLDEN_DIR = path.join(__dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

describe('BigQuery schemas derived from the contracts (golden)', () => {
  const tables = loadCatalog().tables;
  it.each(tables.map((t) => [`${t.dataset}.${t.name}`, t.schema] as const))('%s', (name, schema) => {
    const file = path.join(GOLDEN_DIR, `${name}.json`);
    const actual = JSON.stringify(schema, null, 2) + '\n';
    if (update) fs.writeFileSync(file, actual);
    expect(fs.existsSync(file)).toBe(true);
    expect(actual).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('has no golden file without a table', () => {
    const expected = new Set(tables.map((t) => `${t.dataset}.${t.name}.json`));
    expect(fs.readdirSync(GOLDEN_DIR).filter((f) => !expected.has(f))).toEqual([]);
  });
});

describe('deriveBigQuerySchema', () => {
  it('maps each zod type to its BigQuery type and mode', () => {
    const schema = z.strictObject({
      s: z.string(),
      i: z.int(),
      f: z.number(),
      b: z.boolean(),
      ts: z.iso.datetime({ offset: true }),
      d: z.iso.date(),
      e: z.enum(['a', 'b']),
      opt: z.string().optional(),
      nul: z.int().nullable(),
      tags: z.array(z.string()),
      rec: z.strictObject({ x: z.int().describe('an x') }).nullable(),
      recs: z.array(z.strictObject({ y: z.boolean() })),
      attrs: z.record(z.string(), z.string()),
      amount: z.string().meta({ bigqueryType: 'NUMERIC' }),
    });
    expect(deriveBigQuerySchema(schema)).toEqual([
      { name: 's', type: 'STRING', mode: 'REQUIRED' },
      { name: 'i', type: 'INT64', mode: 'REQUIRED' },
      { name: 'f', type: 'FLOAT64', mode: 'REQUIRED' },
      { name: 'b', type: 'BOOL', mode: 'REQUIRED' },
      { name: 'ts', type: 'TIMESTAMP', mode: 'REQUIRED' },
      { name: 'd', type: 'DATE', mode: 'REQUIRED' },
      { name: 'e', type: 'STRING', mode: 'REQUIRED' },
      { name: 'opt', type: 'STRING', mode: 'NULLABLE' },
      { name: 'nul', type: 'INT64', mode: 'NULLABLE' },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      { name: 'rec', type: 'RECORD', mode: 'NULLABLE', fields: [{ name: 'x', type: 'INT64', mode: 'REQUIRED', description: 'an x' }] },
      { name: 'recs', type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'y', type: 'BOOL', mode: 'REQUIRED' }] },
      { name: 'attrs', type: 'JSON', mode: 'REQUIRED' },
      { name: 'amount', type: 'NUMERIC', mode: 'REQUIRED' },
    ]);
  });

  it('merges union variants: a column is required only when every variant requires it', () => {
    const schema = z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('a'), shared: z.int(), onlyA: z.string() }),
      z.strictObject({ kind: z.literal('b'), shared: z.int(), onlyB: z.boolean() }),
    ]);
    expect(deriveBigQuerySchema(schema).map((f) => `${f.name}:${f.mode}:${f.type}`)).toEqual([
      'kind:REQUIRED:STRING',
      'shared:REQUIRED:INT64',
      'onlyA:NULLABLE:STRING',
      'onlyB:NULLABLE:BOOL',
    ]);
  });

  it('derives INT64 for a literal of several integer versions (schema_version 1 or 2) and FLOAT64 when one is fractional', () => {
    const schema = z.strictObject({ v: z.literal([1, 2]), f: z.literal([1, 2.5]), later: z.int().optional() });
    expect(deriveBigQuerySchema(schema).map((f) => `${f.name}:${f.mode}:${f.type}`)).toEqual(['v:REQUIRED:INT64', 'f:REQUIRED:FLOAT64', 'later:NULLABLE:INT64']);
  });

  it('refuses shapes BigQuery cannot hold', () => {
    expect(() => deriveBigQuerySchema(z.strictObject({ m: z.array(z.array(z.int())) }))).toThrow(SchemaDerivationError);
    expect(() => deriveBigQuerySchema(z.strictObject({ n: z.array(z.int().nullable()) }))).toThrow(/NULL elements/);
    expect(() => deriveBigQuerySchema(z.strictObject({ 'bad-name': z.int() }))).toThrow(/column name/);
    expect(() =>
      deriveBigQuerySchema(z.union([z.strictObject({ v: z.int() }), z.strictObject({ v: z.string() })])),
    ).toThrow(/variants disagree/);
  });

  it('finds the PII fields marked in the contract', () => {
    expect(piiPaths(onlineOrderEvent)).toEqual(['customer.email', 'customer.name', 'customer.phone', 'delivery_address.line1', 'delivery_note']);
  });
});
