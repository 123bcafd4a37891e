// The compatibility gate's rules (contracts/compat/): each rule has a change that triggers it and
// a neighbouring change that must pass. Contracts go through zod's real JSON Schema export.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { deriveBigQuerySchema, type BigQueryField } from '../../../contracts/bigquery-schema';
import type { TableDecl } from '../../../contracts/catalog';
import { compareSnapshots, contractSnapshot, RULES, tableSnapshot, type CompatReport, type RuleId, type Snapshot } from '../../../contracts/compat';
import { patternWidens } from '../../../contracts/compat/json-schema-compare';

const contract = (shape: z.ZodType, description = 'test contract'): Snapshot => contractSnapshot('thing', description, shape);
const checkContract = (before: z.ZodType, after: z.ZodType): CompatReport => compareSnapshots([contract(before)], [contract(after)]);

const table = (schema: BigQueryField[], overrides: Partial<TableDecl> = {}): Snapshot =>
  tableSnapshot({
    dataset: 'raw',
    name: 'things',
    description: 'test table',
    schema,
    partitioning: { type: 'DAY', field: 'ingested_at', expirationDays: 730, requirePartitionFilter: true, rationale: 'arrival' },
    clustering: ['ingested_at', 'merchant_id'],
    writeMethod: 'storage-write',
    ...overrides,
  });
const checkTable = (before: Snapshot, after: Snapshot): CompatReport => compareSnapshots([before], [after]);

/** `rule path` of every breaking finding. */
const breaking = (report: CompatReport): string[] => report.findings.filter((f) => f.breaking).map((f) => `${f.rule} ${f.path}`);
const messages = (report: CompatReport): string[] => report.findings.map((f) => f.message);

const base = z.strictObject({
  id: z.string().min(1).max(64),
  status: z.enum(['open', 'closed']),
  amount: z.int().min(0).max(1000),
  note: z.string().nullable(),
  lines: z.array(z.strictObject({ sku: z.string(), quantity: z.int().min(1) })),
});

const column = (name: string, type: BigQueryField['type'], mode: BigQueryField['mode'] = 'NULLABLE'): BigQueryField => ({ name, type, mode });
const ingestedAt = column('ingested_at', 'TIMESTAMP', 'REQUIRED');
const merchantId = column('merchant_id', 'STRING', 'REQUIRED');

describe('the gate as a whole', () => {
  it('reports nothing for an unchanged contract and counts it unchanged', () => {
    const report = checkContract(base, base);
    expect(report.findings).toEqual([]);
    expect(report.unchanged).toEqual(['contract.thing']);
  });

  it('lets a description change pass, as a compatible change', () => {
    const report = compareSnapshots([contract(base.describe('old words'), 'old')], [contract(base.describe('new words'), 'new')]);
    expect(report.findings).toEqual([]);
    expect(report.changedCompatibly).toEqual(['contract.thing']);
  });

  it('lists a contract or table with no released file as new, will be released, not breaking', () => {
    const report = compareSnapshots([], [contract(base), table([ingestedAt, merchantId])]);
    expect(report.findings.map((f) => [f.subject, f.rule, f.breaking, f.message])).toEqual([
      ['contract.thing', 'new-subject', false, 'new contract, will be released'],
      ['table.raw.things', 'new-subject', false, 'new table, will be released'],
    ]);
    expect(report.added).toEqual(['contract.thing', 'table.raw.things']);
  });

  it('gives every finding its subject, path, rule, message and an additive fix', () => {
    const [f] = checkContract(base, base.omit({ note: true })).findings;
    expect(f).toEqual({ subject: 'contract.thing', path: '$.note', rule: 'removed-field', breaking: true, message: 'field "note" was removed', fix: expect.stringContaining('keep "note"') });
  });

  it('documents every rule in docs/contracts.md', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'contracts.md'), 'utf8');
    expect((Object.keys(RULES) as RuleId[]).filter((rule) => !doc.includes(`\`${rule}\``))).toEqual([]);
  });
});

describe('rule 1: removed field', () => {
  it('refuses a removed field', () => {
    expect(breaking(checkContract(base, base.omit({ note: true })))).toEqual(['removed-field $.note']);
  });

  it('refuses a field removed inside array items', () => {
    const after = base.extend({ lines: z.array(z.strictObject({ sku: z.string() })) });
    expect(breaking(checkContract(base, after))).toEqual(['removed-field $.lines[].quantity']);
  });

  it('reports a rename as a removal and asks "renamed?" when a field of the same type appeared', () => {
    const after = base.omit({ id: true }).extend({ thing_id: z.string().min(1).max(64).optional() });
    const report = checkContract(base, after);
    expect(breaking(report)).toEqual(['removed-field $.id']);
    expect(messages(report)[0]).toBe('field "id" was removed; renamed? "thing_id" appeared with the same type (string)');
  });

  it('does not ask "renamed?" when the new field has another type', () => {
    const after = base.omit({ id: true }).extend({ thing_no: z.int().optional() });
    expect(messages(checkContract(base, after))).toEqual(['field "id" was removed']);
  });

  it('refuses a removed contract', () => {
    const report = compareSnapshots([contract(base)], []);
    expect(breaking(report)).toEqual(['removed-field $']);
  });

  it('refuses a removed column and asks "renamed?" for a new column of the same type', () => {
    const report = checkTable(table([ingestedAt, merchantId, column('fee', 'INT64')]), table([ingestedAt, merchantId, column('fee_cents', 'INT64')]));
    expect(breaking(report)).toEqual(['removed-field $.fee']);
    expect(messages(report)[0]).toContain('renamed? "fee_cents"');
  });

  it('passes when every field is kept', () => {
    expect(breaking(checkContract(base, base.extend({ extra: z.string().optional() })))).toEqual([]);
  });
});

describe('rule 2: narrowed type', () => {
  const narrowed = (before: z.ZodType, after: z.ZodType): string[] => breaking(checkContract(z.strictObject({ v: before }), z.strictObject({ v: after })));

  it('refuses string → enum', () => {
    expect(narrowed(z.string(), z.enum(['a', 'b']))).toEqual(['narrowed-type $.v']);
  });

  it('refuses an enum that lost a value and names the value', () => {
    const report = checkContract(z.strictObject({ v: z.enum(['a', 'b', 'c']) }), z.strictObject({ v: z.enum(['a', 'b']) }));
    expect(breaking(report)).toEqual(['narrowed-type $.v']);
    expect(messages(report)).toEqual(['enum lost "c"']);
  });

  it('passes a widened enum and an enum widened to a free string', () => {
    expect(narrowed(z.enum(['a', 'b']), z.enum(['a', 'b', 'c']))).toEqual([]);
    expect(narrowed(z.enum(['a', 'b']), z.string())).toEqual([]);
  });

  it('refuses number → integer and passes integer → number', () => {
    expect(narrowed(z.number(), z.int())).toEqual(['narrowed-type $.v']);
    expect(narrowed(z.int(), z.number())).toEqual([]);
  });

  it('refuses a changed type', () => {
    expect(narrowed(z.string(), z.int())).toEqual(['narrowed-type $.v']);
  });

  it('refuses a lowered maxLength and a raised minLength, passes the opposite', () => {
    expect(narrowed(z.string().max(10), z.string().max(5))).toEqual(['narrowed-type $.v']);
    expect(narrowed(z.string().min(1), z.string().min(2))).toEqual(['narrowed-type $.v']);
    expect(narrowed(z.string().min(2).max(5), z.string().min(1).max(10))).toEqual([]);
  });

  it('refuses a lowered maximum and a raised minimum, passes a raised maximum', () => {
    expect(narrowed(z.int().max(100), z.int().max(99))).toEqual(['narrowed-type $.v']);
    expect(narrowed(z.int().min(0), z.int().min(1))).toEqual(['narrowed-type $.v']);
    expect(narrowed(z.int().min(0), z.int().positive())).toEqual(['narrowed-type $.v']);
    expect(narrowed(z.int().max(100), z.int().max(1000))).toEqual([]);
  });

  it('refuses nullable → non-nullable and passes non-nullable → nullable', () => {
    expect(narrowed(z.string().nullable(), z.string())).toEqual(['narrowed-type $.v']);
    expect(narrowed(z.string(), z.string().nullable())).toEqual([]);
  });

  it('refuses a changed pattern', () => {
    expect(narrowed(z.string().regex(/^[a-z]+$/), z.string().regex(/^[a-z]{2,}$/))).toEqual(['narrowed-type $.v']);
  });

  it('passes a pattern widened with an alternative that keeps the old one (a pseudonym token beside the value)', () => {
    expect(narrowed(z.string().regex(/^\+?[0-9 ()-]{6,20}$/), z.string().regex(/^(?:pii1_[0-9a-f]{64}|(?:\+?[0-9 ()-]{6,20}))$/))).toEqual([]);
    expect(patternWidens('^a|b$', '^(?:x|(?:a|b))$')).toBe(false);
  });

  it('refuses an enum → pattern change that rejects an old value, passes one that accepts them all', () => {
    expect(narrowed(z.enum(['ab', 'cd']), z.string().regex(/^a/))).toEqual(['narrowed-type $.v']);
    expect(narrowed(z.enum(['ab', 'cd']), z.string().regex(/^[a-d]{2}$/))).toEqual([]);
  });

  it('refuses a union that lost a variant and passes one that gained a variant', () => {
    const placed = z.strictObject({ kind: z.literal('placed'), at: z.string() });
    const cancelled = z.strictObject({ kind: z.literal('cancelled'), reason: z.string() });
    const refunded = z.strictObject({ kind: z.literal('refunded'), cents: z.int() });
    const before = z.discriminatedUnion('kind', [placed, cancelled]);
    expect(breaking(checkContract(before, z.discriminatedUnion('kind', [placed])))).toEqual(['narrowed-type $[kind=cancelled]']);
    expect(breaking(checkContract(before, z.discriminatedUnion('kind', [placed, cancelled, refunded])))).toEqual([]);
  });

  it('names the union variant in the path of a change inside it', () => {
    const before = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('a'), x: z.string() }), z.strictObject({ kind: z.literal('b'), y: z.string() })]);
    const after = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('a'), x: z.string() }), z.strictObject({ kind: z.literal('b'), y: z.string().max(3) })]);
    expect(breaking(checkContract(before, after))).toEqual(['narrowed-type $[kind=b].y']);
  });

  it('refuses a BigQuery type change FLOAT64 → INT64 and STRING → INT64', () => {
    expect(breaking(checkTable(table([ingestedAt, merchantId, column('x', 'FLOAT64')]), table([ingestedAt, merchantId, column('x', 'INT64')])))).toEqual(['narrowed-type $.x']);
    expect(breaking(checkTable(table([ingestedAt, merchantId, column('x', 'STRING')]), table([ingestedAt, merchantId, column('x', 'INT64')])))).toEqual(['narrowed-type $.x']);
  });

  it('refuses a column that became REPEATED, and passes a column whose description changed', () => {
    expect(breaking(checkTable(table([ingestedAt, merchantId, column('x', 'STRING')]), table([ingestedAt, merchantId, column('x', 'STRING', 'REPEATED')])))).toEqual(['narrowed-type $.x']);
    expect(breaking(checkTable(table([ingestedAt, merchantId, column('x', 'STRING')]), table([ingestedAt, merchantId, { ...column('x', 'STRING'), description: 'now described' }])))).toEqual([]);
  });
});

describe('rule 3: new required field', () => {
  it('refuses a new required field in an object that existed', () => {
    expect(breaking(checkContract(base, base.extend({ channel: z.string() })))).toEqual(['new-required-field $.channel']);
  });

  it('refuses a new required field inside array items', () => {
    const after = base.extend({ lines: z.array(z.strictObject({ sku: z.string(), quantity: z.int().min(1), unit: z.string() })) });
    expect(breaking(checkContract(base, after))).toEqual(['new-required-field $.lines[].unit']);
  });

  it('refuses an optional field made required', () => {
    const before = z.strictObject({ a: z.string().optional() });
    expect(breaking(checkContract(before, z.strictObject({ a: z.string() })))).toEqual(['new-required-field $.a']);
  });

  it('passes a new optional field, even when the new object requires its own fields', () => {
    expect(breaking(checkContract(base, base.extend({ channel: z.string().optional() })))).toEqual([]);
    expect(breaking(checkContract(base, base.extend({ extra: z.strictObject({ a: z.string() }).optional() })))).toEqual([]);
  });
});

describe('rule 4: REQUIRED column', () => {
  it('refuses a REQUIRED column added to an existing table', () => {
    expect(breaking(checkTable(table([ingestedAt, merchantId]), table([ingestedAt, merchantId, column('store_id', 'STRING', 'REQUIRED')])))).toEqual(['required-column $.store_id']);
  });

  it('refuses a NULLABLE column made REQUIRED, and passes REQUIRED → NULLABLE', () => {
    expect(breaking(checkTable(table([ingestedAt, merchantId, column('x', 'STRING')]), table([ingestedAt, merchantId, column('x', 'STRING', 'REQUIRED')])))).toEqual(['required-column $.x']);
    expect(breaking(checkTable(table([ingestedAt, merchantId, column('x', 'STRING', 'REQUIRED')]), table([ingestedAt, merchantId, column('x', 'STRING')])))).toEqual([]);
  });

  it('refuses a REQUIRED field added inside an existing RECORD', () => {
    const record = (fields: BigQueryField[]): BigQueryField => ({ name: 'totals', type: 'RECORD', mode: 'REQUIRED', fields });
    expect(breaking(checkTable(table([ingestedAt, merchantId, record([column('a', 'INT64')])]), table([ingestedAt, merchantId, record([column('a', 'INT64'), column('b', 'INT64', 'REQUIRED')])])))).toEqual(['required-column $.totals.b']);
  });

  it('passes a new NULLABLE column', () => {
    expect(breaking(checkTable(table([ingestedAt, merchantId]), table([ingestedAt, merchantId, column('store_id', 'STRING')])))).toEqual([]);
  });

  it('sees a contract change through the derived schema: a new required contract field is a REQUIRED column, an optional one NULLABLE', () => {
    const event = base.omit({ note: true });
    const before = table(deriveBigQuerySchema(event));
    expect(breaking(checkTable(before, table(deriveBigQuerySchema(event.extend({ channel: z.string() })))))).toEqual(['required-column $.channel']);
    expect(breaking(checkTable(before, table(deriveBigQuerySchema(event.extend({ channel: z.string().optional() })))))).toEqual([]);
  });
});

describe('rule 5: partitioning and clustering', () => {
  const columns = [ingestedAt, merchantId, column('event_time', 'TIMESTAMP', 'REQUIRED')];
  const partitioning = (p: Partial<NonNullable<TableDecl['partitioning']>>): Partial<TableDecl> => ({
    partitioning: { type: 'DAY', field: 'ingested_at', expirationDays: 730, requirePartitionFilter: true, rationale: 'arrival', ...p },
  });

  it('refuses another partitioning column or type, and removed partitioning', () => {
    expect(breaking(checkTable(table(columns), table(columns, partitioning({ field: 'event_time' }))))).toEqual(['partitioning-changed $']);
    expect(breaking(checkTable(table(columns), table(columns, partitioning({ type: 'HOUR' }))))).toEqual(['partitioning-changed $']);
    expect(breaking(checkTable(table(columns), table(columns, { partitioning: undefined })))).toEqual(['partitioning-changed $']);
  });

  it('refuses a partition filter turned on and a shorter expiration', () => {
    expect(breaking(checkTable(table(columns, partitioning({ requirePartitionFilter: false })), table(columns)))).toEqual(['partitioning-changed $']);
    expect(breaking(checkTable(table(columns), table(columns, partitioning({ expirationDays: 365 }))))).toEqual(['partitioning-changed $']);
  });

  it('passes a longer expiration, a partition filter turned off and a new rationale', () => {
    expect(breaking(checkTable(table(columns), table(columns, partitioning({ expirationDays: 1000, requirePartitionFilter: false, rationale: 'new words' }))))).toEqual([]);
  });

  it('refuses changed or reordered clustering', () => {
    expect(breaking(checkTable(table(columns), table(columns, { clustering: ['ingested_at'] })))).toEqual(['clustering-changed $']);
    expect(breaking(checkTable(table(columns), table(columns, { clustering: ['merchant_id', 'ingested_at'] })))).toEqual(['clustering-changed $']);
  });

  it('passes unchanged partitioning and clustering', () => {
    expect(checkTable(table(columns), table(columns)).findings).toEqual([]);
  });
});
