// How long `npm start` (`pizzaflow local up`) takes to be ready — emulators, the Pulumi program's local
// stack rendered and applied, functions host, metrics API, schedules — against a baseline measured in
// the same run: `pizzaflow emulators` alone (the part every local start pays anyway). Each is started
// as a fresh process on free ports and a fresh data folder, three times; medians are reported.
// Run: `npm run bench:local-start`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeReport } from './report';

const BIN = join(__dirname, '..', '..', 'bin', 'pizzaflow.js');
const ROUNDS = 3;
const PORTS = ['--pubsub-port', '0', '--storage-port', '0', '--bigquery-port', '0', '--bigquery-grpc-port', '0'];

/** Spawns the command, resolves with the ms until a stdout line matches `ready`, then stops it. */
function timeToReady(args: string[], ready: RegExp): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'pf-start-'));
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [BIN, ...args, '--data-dir', dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} not ready within 120 s`)), 120_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!ready.test(line)) return;
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      child.once('exit', () => {
        rmSync(dir, { recursive: true, force: true });
        resolve(ms);
      });
      child.kill('SIGINT');
    });
    child.once('error', reject);
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const emulators: number[] = [];
  const localUp: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    emulators.push(await timeToReady(['emulators', ...PORTS], /^export BIGQUERY_STORAGE_EMULATOR_HOST=/));
    localUp.push(await timeToReady(['local', 'up', ...PORTS, '--functions-port', '0', '--serve-port', '0'], /^Press Ctrl-C/));
  }
  const results = {
    rounds: ROUNDS,
    emulatorsReadyMs: { median: Math.round(median(emulators)), all: emulators.map(Math.round) },
    localUpReadyMs: { median: Math.round(median(localUp)), all: localUp.map(Math.round) },
    localUpOverEmulators: Number((median(localUp) / median(emulators)).toFixed(2)),
    budgetMs: 20_000,
  };
  console.log(`pizzaflow emulators ready: median ${results.emulatorsReadyMs.median} ms (${results.emulatorsReadyMs.all.join(', ')})`);
  console.log(`pizzaflow local up ready:  median ${results.localUpReadyMs.median} ms (${results.localUpReadyMs.all.join(', ')}), ${results.localUpOverEmulators}x the emulators alone; budget 20 s`);
  console.log(`written ${writeReport({ benchmark: 'local-start', description: 'time to ready of npm start vs the emulators alone, fresh processes, free ports', results })}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
