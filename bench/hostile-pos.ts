// bench/hostile-pos: what a hostile POS file costs the loader now. Each case is one loader run (in a
// fresh child process, so peak RSS is that run's) over in-memory ports holding a normal file and the
// bomb: wall and CPU time of the run, time to judge and quarantine the bomb, time to load the normal
// file, peak RSS, and the outcome. The audit measured the old loader at 3.09 GB peak for a 1.5 MB
// gzip of spaces and 28 s CPU for a 4 KiB gzip of newlines, and a crash that repeated every run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { inventoryReceipt, posSale } from '../contracts/examples';
import type { PosFileHeader } from '../contracts/pos';
import type { LandedObject } from '../functions/pos-loader/plan';
import { runPosLoader } from '../functions/pos-loader/run';
import { gzipPosFile, posFileText } from '../tools/generator/pos-file';
import { World } from '../tools/testing/pos-loader-world';
import { writeReport } from './report';

const NOW = Date.parse('2026-11-23T17:30:00Z');
const header = (store: string): PosFileHeader => ({ record_type: 'header', schema_version: 1, merchant_id: 'm0001', store_id: store, window_start: '2026-11-23T17:00:00Z', window_end: '2026-11-23T17:15:00Z', created_at: '2026-11-23T17:16:00Z' });
const txLine = (store: string, i: number): string => JSON.stringify({ record_type: 'transaction', ...posSale(), store_id: store, event_id: `e-${store}-${i}`, transaction_id: `t-${i}` });

function normalFile(): Buffer {
  const lines = [...Array.from({ length: 200 }, (_, i) => txLine('s0001', i)), JSON.stringify({ record_type: 'inventory_movement', ...inventoryReceipt(), store_id: 's0001' })];
  return gzipPosFile(posFileText(header('s0001'), lines));
}

/** The bombs: name → object bytes (and the size its metadata claims, when it is not the bytes'). */
const CASES: Record<string, () => { bytes: Buffer; size?: number; what: string }> = {
  normal_only: () => ({ bytes: Buffer.alloc(0), what: 'no bomb: the normal file alone (baseline)' }),
  spaces_1_5mb_gz: () => {
    const member = gzipSync(Buffer.alloc(16 * 2 ** 20, ' '), { level: 9 });
    return { bytes: Buffer.concat(Array.from({ length: 96 }, () => member)), what: '1.5 MB gzip inflating to 1.5 GiB of spaces (one line)' };
  },
  newlines_4kib_gz: () => ({ bytes: gzipSync(Buffer.alloc(4 * 2 ** 20, '\n'), { level: 9 }), what: '4 KiB gzip inflating to 4 Mi empty lines' }),
  header_then_newlines: () => ({ bytes: gzipSync(Buffer.concat([Buffer.from(`${JSON.stringify(header('s0002'))}\n`), Buffer.alloc(4 * 2 ** 20, '\n')]), { level: 9 }), what: 'a valid header, then 4 Mi empty lines' }),
  long_line_64mib: () => ({ bytes: gzipSync(Buffer.concat([Buffer.from(`${JSON.stringify(header('s0002'))}\n`), Buffer.alloc(64 * 2 ** 20, 'a')]), { level: 9 }), what: 'a valid header, then a 64 MiB line' }),
  valid_lines_past_inflated_cap: () => {
    const line = Buffer.from(`${txLine('s0002', 0)}\n`);
    const n = Math.ceil((80 * 2 ** 20) / line.length);
    return { bytes: gzipSync(Buffer.concat([Buffer.from(`${JSON.stringify(header('s0002'))}\n`), ...Array.from({ length: n }, () => line)]), { level: 9 }), what: `a valid header, then ${n} valid transaction lines (80 MiB): every line is checked until the inflated cap` };
  },
  too_many_lines: () => {
    const line = Buffer.from(`${JSON.stringify({ record_type: 'inventory_movement', ...inventoryReceipt(), store_id: 's0002' })}\n`);
    return { bytes: gzipSync(Buffer.concat([Buffer.from(`${JSON.stringify(header('s0002'))}\n`), ...Array.from({ length: 250_000 }, () => line)]), { level: 9 }), what: 'a valid header, then 250,000 short valid lines' };
  },
  too_large_by_metadata: () => ({ bytes: Buffer.alloc(1), size: 5 * 2 ** 30, what: 'an object of 5 GiB (metadata): never downloaded' }),
};

/** The unit tests' in-memory world, marking when each object is read and where it went. */
class MemoryPorts extends World {
  marks = new Map<string, { readAt?: number; movedAt?: number; to?: string; reason?: string }>();
  override async readObject(o: LandedObject): Promise<Buffer> {
    this.marks.set(o.name, { ...this.marks.get(o.name), readAt: performance.now() });
    return super.readObject(o);
  }
  override async moveObject(o: LandedObject, to: string, metadata: Record<string, string>): Promise<void> {
    this.marks.set(o.name, { ...this.marks.get(o.name), movedAt: performance.now(), to, reason: metadata.pizzaflow_reason_code ?? metadata.pizzaflow_status });
    await super.moveObject(o, to, metadata);
  }
}

/** One run in this (fresh) process; the bomb was built by the parent, so its construction is not in the peak RSS. */
async function child(name: string, path: string, size: number | undefined, what: string): Promise<void> {
  const bomb = { bytes: readFileSync(path), size, what };
  const ports = new MemoryPorts();
  // The normal file first (older generation), the bomb after it: both in the same run.
  ports.put('pos/store=s0001/normal.ndjson.gz', normalFile());
  if (name !== 'normal_only') ports.put('pos/store=s0002/bomb.ndjson.gz', bomb.bytes, bomb.size);
  if (global.gc) global.gc();
  const rssBefore = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runPosLoader(ports, { now: () => NOW });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const bombMark = ports.marks.get('pos/store=s0002/bomb.ndjson.gz');
  const normalMark = ports.marks.get('pos/store=s0001/normal.ndjson.gz');
  const out = {
    case: name,
    what: bomb.what,
    compressedBytes: bomb.size ?? bomb.bytes.length,
    outcome: { bomb: bombMark ? `${bombMark.to}: ${bombMark.reason}` : null, normal: normalMark ? `${normalMark.to}: ${normalMark.reason}` : null },
    summary: { files: summary.files, loaded: summary.loaded, quarantined: summary.quarantined, refused: summary.refused },
    runWallMs: Math.round(wallMs),
    runCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    bombQuarantinedAfterMs: bombMark?.movedAt !== undefined ? Math.round(bombMark.movedAt - t0) : null,
    normalLoadedAfterMs: normalMark?.movedAt !== undefined ? Math.round(normalMark.movedAt - t0) : null,
    rssBeforeRunMb: Math.round(rssBefore / 2 ** 20),
    peakRssMb: Math.round(peakRssBytes() / 2 ** 20),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** This process's peak RSS: VmHWM belongs to the address space (getrusage's maxRSS survives exec, so it would include the parent's). */
function peakRssBytes(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

function main(): void {
  const results: Record<string, unknown> = {};
  const dir = mkdtempSync(join(tmpdir(), 'pizzaflow-hostile-pos-'));
  for (const name of Object.keys(CASES)) {
    const bomb = CASES[name]!();
    const path = join(dir, `${name}.gz`);
    writeFileSync(path, bomb.bytes);
    const r = spawnSync(process.execPath, ['--expose-gc', __filename, '--case', name, path, String(bomb.size ?? ''), bomb.what], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
    if (r.status !== 0) throw new Error(`case ${name} failed: ${r.stderr}`);
    const line = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    results[name] = line;
    process.stdout.write(`${name.padEnd(30)} ${String(line.outcome && (line.outcome as { bomb: string | null }).bomb).padEnd(40)} run ${String(line.runWallMs).padStart(6)} ms wall, ${String(line.runCpuMs).padStart(6)} ms CPU, peak RSS ${line.peakRssMb} MB\n`);
  }
  rmSync(dir, { recursive: true, force: true });
  const file = writeReport({
    benchmark: 'hostile-pos',
    description: 'One POS loader run per case (fresh process, in-memory ports, default limits): a normal file plus one bomb. Audit figures for the old loader: 1.5 MB gzip of spaces peaked at 3.09 GB; 4 KiB gzip of newlines took 28 s CPU.',
    results,
  });
  process.stdout.write(`wrote ${file}\n`);
}

const at = process.argv.indexOf('--case');
if (at !== -1) {
  const [name, path, size, what] = process.argv.slice(at + 1);
  child(name!, path!, size ? Number(size) : undefined, what!).catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
} else {
  main();
}
