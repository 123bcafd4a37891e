// `pizzaflow contracts check | release` over a scratch released folder, and the released files'
// format (contracts/compat/snapshot.ts): sorted keys, pretty printed, one file per subject.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { loadCatalog } from '../../../contracts/catalog';
import { contractSnapshot, currentSnapshots, parseSnapshot, renderSnapshot, SnapshotFileError, subjectOf } from '../../../contracts/compat';
import { RECORD_KINDS } from '../../../contracts/registry';
import { main } from '../../../tools/cli/main';
import { useCliHarness } from '../cli/cli-harness';

const cli = useCliHarness('pf-contracts-');

const run = async (...args: string[]): Promise<string> => {
  cli.clear();
  await main(['node', 'pizzaflow', 'contracts', ...args, '--released', cli.dir()]);
  return cli.stdout();
};
const readJson = (file: string): { [key: string]: unknown } => JSON.parse(fs.readFileSync(path.join(cli.dir(), file), 'utf8'));
const writeJson = (file: string, value: unknown): void => fs.writeFileSync(path.join(cli.dir(), file), JSON.stringify(value, null, 2) + '\n');

describe('released snapshots', () => {
  it('cover every registered contract and every catalog table, one subject each', () => {
    const subjects = currentSnapshots(loadCatalog()).map(subjectOf);
    expect(subjects.filter((s) => s.startsWith('contract.')).sort()).toEqual(Object.keys(RECORD_KINDS).map((k) => `contract.${k}`).sort());
    expect(subjects.filter((s) => s.startsWith('table.')).sort()).toEqual(loadCatalog().tables.map((t) => `table.${t.dataset}.${t.name}`).sort());
  });

  it('render with sorted keys at every depth, two-space indentation and a final newline, and parse back', () => {
    const snapshot = contractSnapshot('thing', 'a thing', z.strictObject({ zeta: z.string(), alpha: z.int() }));
    const text = renderSnapshot(snapshot);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "description": "a thing",');
    expect(text.indexOf('"alpha"')).toBeLessThan(text.indexOf('"zeta"'));
    expect(renderSnapshot(parseSnapshot(text, 'contract.thing.json'))).toBe(text);
  });

  it('refuse a file that is not a released snapshot, naming the file', () => {
    expect(() => parseSnapshot('{"kind":"contract"}', 'contract.x.json')).toThrow(SnapshotFileError);
    expect(() => parseSnapshot('not json', 'contract.x.json')).toThrow(/^contract\.x\.json: not JSON/);
  });
});

describe('pizzaflow contracts release', () => {
  it('writes one file per contract and table, then reports nothing to change', async () => {
    const first = await run('release');
    const files = fs.readdirSync(cli.dir()).sort();
    expect(files).toEqual(currentSnapshots(loadCatalog()).map((s) => `${subjectOf(s)}.json`).sort());
    expect(first).toContain(`${files.length} new, 0 updated, 0 removed, 0 unchanged`);
    expect(first).toContain('new     contract.online-order.json');
    const second = await run('release');
    expect(second).toContain(`0 new, 0 updated, 0 removed, ${files.length} unchanged`);
  });

  it('updates changed files, deletes files of subjects that are gone and prints the breaking changes it accepts', async () => {
    await run('release');
    const delivery = readJson('contract.delivery.json') as { jsonSchema: { properties: Record<string, unknown> } };
    delivery.jsonSchema.properties.tip_cents = { type: 'integer' };
    writeJson('contract.delivery.json', delivery);
    writeJson('contract.retired.json', { kind: 'contract', name: 'retired', description: 'gone', jsonSchema: { type: 'object' } });
    const out = await run('release');
    expect(out).toContain('accepted breaking change: contract.delivery $.tip_cents: field "tip_cents" was removed [removed-field]');
    expect(out).toContain('updated contract.delivery.json');
    expect(out).toContain('removed contract.retired.json');
    expect(fs.existsSync(path.join(cli.dir(), 'contract.retired.json'))).toBe(false);
    expect(out).toMatch(/0 new, 1 updated, 1 removed, \d+ unchanged/);
  });
});

describe('pizzaflow contracts check', () => {
  it('passes (exit 0) right after a release', async () => {
    await run('release');
    const out = await run('check');
    expect(out).toContain('summary: 0 breaking findings in 0 subjects, 0 new, 0 changed compatibly');
    expect(out).toContain('ok: no breaking change');
    expect(process.exitCode).toBeUndefined();
  });

  it('lists a contract without a released file as new and still exits 0', async () => {
    await run('release');
    fs.rmSync(path.join(cli.dir(), 'contract.pos-trailer.json'));
    const out = await run('check');
    expect(out).toContain('NEW      contract.pos-trailer $: new contract, will be released [new-subject]');
    expect(out).toContain('1 new');
    expect(process.exitCode).toBeUndefined();
  });

  it('refuses a breaking change with exit 1, one line naming subject, path and rule, and the fix', async () => {
    await run('release');
    // Released with a field and a partitioning the current contract and table no longer have.
    const delivery = readJson('contract.delivery.json') as { jsonSchema: { properties: Record<string, unknown> } };
    delivery.jsonSchema.properties.tip_cents = { type: 'integer' };
    writeJson('contract.delivery.json', delivery);
    const table = readJson('table.raw.delivery_events.json') as { partitioning: { field: string } };
    table.partitioning.field = 'event_time';
    writeJson('table.raw.delivery_events.json', table);
    const out = await run('check');
    expect(out).toContain('BREAKING contract.delivery $.tip_cents: field "tip_cents" was removed [removed-field]\n         fix: keep "tip_cents"');
    expect(out).toContain('BREAKING table.raw.delivery_events $: partitioning DAY on event_time → DAY on ingested_at [partitioning-changed]');
    expect(out).toContain('summary: 2 breaking findings in 2 subjects');
    expect(out).toContain('refused:');
    expect(process.exitCode).toBe(1);
  });

  it('refuses a released file whose name does not match its subject', async () => {
    await run('release');
    fs.renameSync(path.join(cli.dir(), 'contract.delivery.json'), path.join(cli.dir(), 'contract.courier.json'));
    await expect(run('check')).rejects.toThrow('contract.courier.json: holds contract.delivery; expected contract.delivery.json');
  });
});
