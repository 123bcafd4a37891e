// The state one generator run shares across its stores: counters, the arrival-hour buckets of the
// online and delivery flows (written out hour by hour), the truth, and the fault log.
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hourKey } from './clock';
import { FAULT_KINDS, type FaultKind, type FaultRecord, type PendingFault } from './faults';
import { type GenerateOptions } from './options';
import { type ReferenceData } from './reference-data';
import { Truth } from './truth';
import { BufferedFile, HourBuckets, JsonArrayWriter } from './writers';

/** The fault log a run leaves, and the partial log it streams through while running. */
export const FAULTS_FILE = 'faults.json';
export const FAULTS_PARTIAL_FILE = 'faults.partial.json';

export interface Counters {
  onlineEvents: number;
  deliveryEvents: number;
  posTransactions: number;
  inventoryMovements: number;
  onlineOrders: number;
  onlineCancelled: number;
  onlineFailedDelivery: number;
  onlineRefunded: number;
  posSales: number;
  posVoided: number;
  posRefunded: number;
  counted: number;
  linesOnline: number;
  linesDeliveries: number;
  linesPosBody: number;
  filesOnline: number;
  filesDeliveries: number;
  posWindows: number;
  posFiles: number;
  posResends: number;
  posReuploads: number;
}

/** Everything one run shares: output, buckets, truth, fault log. */
export class Run {
  readonly counters: Counters = {
    onlineEvents: 0, deliveryEvents: 0, posTransactions: 0, inventoryMovements: 0, onlineOrders: 0, onlineCancelled: 0, onlineFailedDelivery: 0,
    onlineRefunded: 0, posSales: 0, posVoided: 0, posRefunded: 0, counted: 0, linesOnline: 0, linesDeliveries: 0, linesPosBody: 0,
    filesOnline: 0, filesDeliveries: 0, posWindows: 0, posFiles: 0, posResends: 0, posReuploads: 0,
  };
  readonly faultCounts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  readonly online = new HourBuckets<PendingFault>();
  readonly deliveries = new HourBuckets<PendingFault>();
  readonly truth: Truth;
  private readonly faultLog: JsonArrayWriter<FaultRecord>;
  readonly faultLogPath: string;

  constructor(
    readonly options: GenerateOptions,
    readonly ref: ReferenceData,
    readonly startMs: number,
    readonly endMs: number,
  ) {
    this.truth = new Truth(join(options.outDir, 'expected'), ref.stores, ref.promotions);
    this.faultLogPath = join(options.outDir, FAULTS_PARTIAL_FILE);
    this.faultLog = new JsonArrayWriter(this.faultLogPath);
  }

  fault(record: FaultRecord): void {
    this.faultCounts[record.kind]++;
    this.faultLog.push(record);
  }

  /** Writes every arrival hour up to `hourMs`; hours inside the range always get a file. */
  flushArrivals(upToHourMs: number): void {
    for (const [flow, buckets] of [['online', this.online], ['deliveries', this.deliveries]] as const) {
      const taken = new Map(buckets.take(upToHourMs));
      const hours = [...taken.keys()];
      if (upToHourMs < this.endMs && !taken.has(upToHourMs)) hours.push(upToHourMs);
      for (const hour of hours.sort((a, b) => a - b)) {
        const rel = `${flow}/${hourKey(hour)}.ndjson`;
        const file = new BufferedFile(join(this.options.outDir, rel));
        const lines = taken.get(hour) ?? [];
        lines.forEach((l, i) => {
          file.write(`${l.text}\n`);
          if (l.meta) {
            const { kind, flow: f, event_id, field, expected_outcome, description } = l.meta;
            this.fault({ kind, flow: f, file: rel, line: i + 1, event_id, ...(field ? { field } : {}), expected_outcome, description });
          }
        });
        file.close();
        if (flow === 'online') {
          this.counters.linesOnline += lines.length;
          this.counters.filesOnline++;
        } else {
          this.counters.linesDeliveries += lines.length;
          this.counters.filesDeliveries++;
        }
      }
    }
  }

  /** faults.json: {seed, rate, counts, faults}, the list streamed from the partial log. */
  finishFaults(): void {
    this.faultLog.close();
    const path = join(this.options.outDir, FAULTS_FILE);
    const out = new BufferedFile(path);
    out.write(`{"seed":${this.options.seed},"rate":${this.options.faultRate},"counts":${JSON.stringify(this.faultCounts)},"faults":`);
    const fd = openSync(this.faultLogPath, 'r');
    const buf = Buffer.alloc(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      out.flush();
      out.write(buf.subarray(0, n).toString('utf8'));
    }
    closeSync(fd);
    out.write('}\n');
    out.close();
    rmSync(this.faultLogPath);
  }
}
