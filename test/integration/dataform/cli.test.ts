// `pizzaflow dataform compile|run` through commander, with the official client finding the emulator
// through BIGQUERY_EMULATOR_HOST, as a developer's shell would.
import { Command } from 'commander';
import { startBigquery as start, type BigqueryEmulator as RunningEmulator } from '@pizzaflow/emulators';
import { BigQuery } from '@google-cloud/bigquery';
import { registerDataformCommand } from '../../../tools/cli/dataform-command';
import { createRawTables } from '../../../tools/testing/raw-loader';

let emulator: RunningEmulator;
const saved = { ...process.env };

beforeAll(async () => {
  emulator = await start({ port: 0, logLevel: 'silent', strictGoogleSql: true });
  process.env.BIGQUERY_EMULATOR_HOST = emulator.url;
  process.env.GOOGLE_CLOUD_PROJECT = 'pizzaflow-cli';
  process.env.METADATA_SERVER_DETECTION = 'none';
  // What the platform's program creates before Dataform's first run: raw, and the run's lease and record in ops.
  await createRawTables(new BigQuery({ projectId: 'pizzaflow-cli', apiEndpoint: emulator.url }));
});

afterAll(async () => {
  process.env = saved;
  await emulator?.close();
});

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => out.push(String(s)) > 0);
  const se = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => err.push(String(s)) > 0);
  try {
    const program = new Command().exitOverride();
    registerDataformCommand(program);
    await program.parseAsync(['node', 'pizzaflow', 'dataform', ...args]);
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
  return { stdout: out.join(''), stderr: err.join('') };
}

test('compile lists the actions with their dependencies', async () => {
  const { stdout } = await cli('compile');
  expect(stdout).toMatch(/^table +marts\.mart_store_sales_hourly +<- marts\.fct_order_lines, marts\.fct_orders, staging\.touched_event_dates$/m);
  expect(stdout).toMatch(/^operation +staging\.acquire_run_lease$/m);
  expect(stdout).toMatch(/\d+ actions, 13 declarations/);
});

test('run --actions builds the selection on the emulator and reports each action', async () => {
  const { stdout, stderr } = await cli('run', '--actions', 'dim_date', '--concurrency', '1');
  expect(stderr).toMatch(/\[1\/\d+\] ok +staging\.acquire_run_lease +operation/);
  expect(stderr).toMatch(/\[\d+\/\d+\] ok +marts\.dim_date +create +2557 rows/);
  expect(stdout).toMatch(/^run succeeded: \d+ actions, 0 failed/);
  const dry = await cli('run', '--actions', 'dim_date', '--dry-run', '--no-assertions');
  expect(dry.stdout).toContain('create or replace table `pizzaflow-cli.marts.dim_date`');
}, 60_000);
