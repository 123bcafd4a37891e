// What a generator run takes: its options, their validation (a typed error the CLI reports as a
// usage error), and the default start.
import { HOUR_MS, iso } from './clock';

export interface GenerateOptions {
  stores: number;
  hours: number;
  /** Start of the range, on a UTC hour boundary (ISO 8601). */
  start: string;
  seed: number;
  outDir: string;
  /** Probability (0-1) that a real event, or a POS file, gets a fault. */
  faultRate: number;
  /**
   * From this time (ISO 8601) online order producers send schema_version 2 (service_fee_cents, and
   * sometimes delivery_note, on order.placed); absent: version 1 throughout.
   */
  v2From?: string;
}

export class GenerateOptionsError extends Error {}

export function validateOptions(o: GenerateOptions): void {
  const fail = (m: string): never => {
    throw new GenerateOptionsError(m);
  };
  if (!Number.isInteger(o.stores) || o.stores < 1 || o.stores > 99_999) fail('--stores must be an integer from 1 to 99999');
  if (!Number.isInteger(o.hours) || o.hours < 1 || o.hours > 24 * 366) fail('--hours must be an integer from 1 to 8784');
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 2 ** 32 - 1) fail('--seed must be an integer from 0 to 4294967295');
  if (!(o.faultRate >= 0 && o.faultRate <= 1)) fail('--faults must be a rate from 0 to 1');
  const ms = Date.parse(o.start);
  if (Number.isNaN(ms)) fail(`--start is not an ISO 8601 time: ${o.start}`);
  if (ms % HOUR_MS !== 0) fail(`--start must be on a UTC hour boundary: ${o.start}`);
  if (o.v2From !== undefined && Number.isNaN(Date.parse(o.v2From))) fail(`--v2-from is not an ISO 8601 time: ${o.v2From}`);
}

/** The previous UTC midnight: the default start. */
export function previousUtcMidnight(nowMs: number): string {
  return iso(Math.floor(nowMs / 86_400_000) * 86_400_000 - 86_400_000);
}
