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
