// BigQuery's documented examples (function reference pages, see case.ts) through the official client
// against the emulator, in plain and in strict GoogleSQL mode. Each example is classified: pass (the
// documented answer), refused (501 notImplemented naming the feature), error (another clean error,
// e.g. ZetaSQL's refusal in strict mode), or different (an answer other than the documented one:
// a silent difference). Fails on a silent difference not in known-differences.ts, on a known one
// that no longer differs, and when fewer examples pass than counts.json records.
// UPDATE_DOCUMENTED_COUNTS=1 rewrites counts.json with the measured counts.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Harness, startHarness } from '../helpers';
import { type DocumentedCase } from './case';
import { CASES, FAMILIES } from './corpus';
import { KNOWN_DIFFERENCES } from './known-differences';
import { type Field, actualRow, documentedRow } from './normalise';
import recorded from './counts.json';

type Outcome = 'pass' | 'refused' | 'error' | 'different';
type Mode = 'plain' | 'strict';
interface Result {
  c: DocumentedCase;
  outcome: Outcome;
  detail: string;
}
type Counts = Record<Outcome | 'total', number>;

const sortedRows = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

async function runCase(h: Harness, c: DocumentedCase): Promise<Result> {
  let rows: Record<string, unknown>[];
  let fields: Field[];
  try {
    const [job] = await h.bq.createQueryJob({ query: c.sql });
    const [got, , response] = await job.getQueryResults({ autoPaginate: false });
    rows = got as Record<string, unknown>[];
    fields = (response as { schema: { fields: Field[] } }).schema.fields;
  } catch (err) {
    const e = err as { code?: number; message?: string; errors?: { reason?: string }[] };
    const refused = e.code === 501 || e.errors?.some((x) => x.reason === 'notImplemented');
    return { c, outcome: refused ? 'refused' : 'error', detail: `${e.code ?? '?'} ${e.message ?? String(err)}` };
  }
  const actual = rows.map((r) => actualRow(r, fields));
  const expected = c.rows.map((r) => documentedRow(r, fields));
  const ordered = c.ordered ?? /ORDER\s+BY[^)]*$/i.test(c.sql);
  const same = ordered ? JSON.stringify(actual) === JSON.stringify(expected) : JSON.stringify(sortedRows(actual)) === JSON.stringify(sortedRows(expected));
  const typesOk = !c.types || Object.entries(c.types).every(([name, type]) => fields.find((f) => f.name === name)?.type === type);
  if (same && typesOk) return { c, outcome: 'pass', detail: '' };
  const types = fields.map((f) => `${f.name}:${f.type}${f.mode === 'REPEATED' ? '[]' : ''}`).join(',');
  return { c, outcome: 'different', detail: `expected ${JSON.stringify(expected)}${c.types ? ` ${JSON.stringify(c.types)}` : ''}, got ${JSON.stringify(actual)} (${types})` };
}

function count(results: Result[]): Counts {
  const counts: Counts = { total: results.length, pass: 0, refused: 0, error: 0, different: 0 };
  for (const r of results) counts[r.outcome] += 1;
  return counts;
}

const measured: Partial<Record<Mode, Result[]>> = {};

describe.each([
  ['plain', false],
  ['strict', true],
] as [Mode, boolean][])('BigQuery documented examples (%s mode)', (mode, strict) => {
  const results: Result[] = [];
  beforeAll(async () => {
    const h = await startHarness({ strictGoogleSql: strict });
    try {
      for (const c of CASES) results.push(await runCase(h, c));
    } finally {
      await h.emulator.close();
    }
    measured[mode] = results;
  }, 600_000);

  it('has 300+ documented examples with unique ids, each with its source page and anchor', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(300);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    for (const c of CASES) expect(c.source).toMatch(/^https:\/\/cloud\.google\.com\/bigquery\/docs\/reference\/standard-sql\/[a-z_-]+#[a-z0-9_]+$/);
  });

  it('answers every example as documented or refuses it: no silent difference beyond the known ones', () => {
    const known = new Set(KNOWN_DIFFERENCES.filter((k) => k.mode === mode || k.mode === 'both').map((k) => k.id));
    const silent = results.filter((r) => r.outcome === 'different' && !known.has(r.c.id)).map((r) => `${r.c.id}: ${r.c.sql}\n  ${r.detail}`);
    expect(silent).toEqual([]);
    const fixed = [...known].filter((id) => results.find((r) => r.c.id === id)?.outcome !== 'different');
    expect(fixed).toEqual([]); // a known difference that no longer differs leaves the list
  });

  it('passes at least as many examples as counts.json records', () => {
    const counts = count(results);
    const floor = (recorded as Record<Mode, Counts>)[mode];
    expect(counts.total).toBe(floor.total);
    expect(counts.pass).toBeGreaterThanOrEqual(floor.pass);
  });
});

afterAll(() => {
  if (process.env.UPDATE_DOCUMENTED_COUNTS !== '1' || !measured.plain || !measured.strict) return;
  const byFamily = (results: Result[]) => Object.fromEntries(Object.entries(FAMILIES).map(([name, cases]) => [name, count(results.filter((r) => cases.includes(r.c)))]));
  const report = { plain: count(measured.plain), strict: count(measured.strict), families: { plain: byFamily(measured.plain), strict: byFamily(measured.strict) } };
  writeFileSync(join(__dirname, 'counts.json'), `${JSON.stringify(report, null, 2)}\n`);
  const lines = (['plain', 'strict'] as Mode[]).flatMap((m) => measured[m]!.filter((r) => r.outcome !== 'pass').map((r) => `${m}\t${r.outcome}\t${r.c.id}\t${r.detail.replace(/\n/g, ' ')}`));
  writeFileSync(join(tmpdir(), 'documented-outcomes.tsv'), `${lines.join('\n')}\n`);
});
