// Shared output of the benchmarks: figures on stdout, and a JSON file under bench/results/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface BenchReport {
  benchmark: string;
  description: string;
  results: Record<string, unknown>;
}

export function writeReport(report: BenchReport, dir = path.join(process.cwd(), 'bench', 'results')): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${report.benchmark}.json`);
  const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.arch()}` };
  fs.writeFileSync(file, JSON.stringify({ ...report, machine, measuredAt: new Date().toISOString() }, null, 2) + '\n');
  return file;
}

/** Runs `fn` `rounds` times and returns the median duration in milliseconds. */
export function medianMs(rounds: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
