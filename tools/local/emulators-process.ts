// The three emulators in a child process (`pizzaflow emulators`), so that their work runs on another
// core than the functions, the scheduler and the traffic: a laptop's platform is CPU-bound on one
// JavaScript thread otherwise. The child prints `ready …` and `export VAR=…` lines once all three
// listen; those lines are the contract (the same ones a developer copies into a shell).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { packageInfo } from '../../functions/runtime/package-info';

export interface EmulatorsProcessOptions {
  dataDir: string;
  inMemory?: boolean;
  host: string;
  ports: { pubsub: number; storage: number; bigquery: number; bigqueryGrpc: number };
  project: string;
  strictGoogleSql: boolean;
  logLevel: string;
  /** How long to wait for the ready lines (ms). */
  startTimeoutMs?: number;
}

export interface EmulatorsProcess {
  /** The `ready …` and `export …` lines, as printed. */
  lines: string[];
  env: Record<string, string>;
  child: ChildProcess;
  close(): Promise<void>;
}

/** The variables `pizzaflow emulators` exports once every emulator listens. */
const EXPECTED = ['PUBSUB_EMULATOR_HOST', 'STORAGE_EMULATOR_HOST', 'BIGQUERY_EMULATOR_HOST', 'BIGQUERY_STORAGE_EMULATOR_HOST'];

export function parseExportLine(line: string): [string, string] | undefined {
  const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
  return m ? [m[1]!, m[2]!] : undefined;
}

export async function startEmulatorsProcess(o: EmulatorsProcessOptions): Promise<EmulatorsProcess> {
  const bin = path.join(packageInfo().root, 'bin', 'pizzaflow.js');
  const args = [
    bin,
    'emulators',
    '--host', o.host,
    '--pubsub-port', String(o.ports.pubsub),
    '--storage-port', String(o.ports.storage),
    '--bigquery-port', String(o.ports.bigquery),
    '--bigquery-grpc-port', String(o.ports.bigqueryGrpc),
    '--data-dir', o.dataDir,
    '--project', o.project,
    '--log-level', o.logLevel,
    ...(o.strictGoogleSql ? ['--strict-googlesql'] : []),
    ...(o.inMemory ? ['--in-memory'] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const env: Record<string, string> = {};
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulators did not start within ${(o.startTimeoutMs ?? 60_000) / 1000} s`)), o.startTimeoutMs ?? 60_000);
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      lines.push(line);
      const kv = parseExportLine(line);
      if (kv) env[kv[0]] = kv[1];
      if (EXPECTED.every((k) => k in env)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the emulators exited (code ${code}) before they were ready; their log is above`));
    });
  });
  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await ready;
  } catch (err) {
    await close();
    throw err;
  }
  return { lines, env, child, close };
}
