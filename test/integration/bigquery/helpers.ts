// Starts the emulator in-process on a free port and hands out an official client pointed at it.
import { BigQuery } from '@google-cloud/bigquery';
import { type BigqueryEmulator as RunningEmulator, type BigqueryEmulatorOptions as StartOptions, startBigquery as start } from '@pizzaflow/emulators';

export const PROJECT = 'test-project';

export interface Harness {
  emulator: RunningEmulator;
  bq: BigQuery;
}

export async function startHarness(options: StartOptions = {}): Promise<Harness> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const emulator = await start({ port: 0, logLevel: 'silent', strictGoogleSql: true, ...options });
  const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url });
  return { emulator, bq };
}

let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

/** The client's typed wrappers as plain values: {value} objects to strings, Big to its decimal text, BYTES to base64. */
export function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(plain);
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (typeof v === 'object') {
    if ((v as object).constructor?.name === 'Big') return String(v);
    const keys = Object.keys(v as object);
    if (keys.length === 1 && keys[0] === 'value') return (v as { value: unknown }).value;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}
