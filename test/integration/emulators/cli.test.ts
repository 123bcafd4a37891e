// `pizzaflow emulators`: starts the selected emulators and prints what the official clients need.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { BigQuery } from '@google-cloud/bigquery';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { parseOnly, readyLines, startEmulators, type EmulatorsOptions } from '@pizzaflow/emulators';
import { verifyPushToken } from '@pizzaflow/emulators';
import { signPushToken } from '../../../emulators/pubsub/oidc';

const base = (dataDir: string): EmulatorsOptions => ({
  only: ['pubsub'],
  host: 'localhost',
  pubsubPort: 0,
  storagePort: 0,
  bigqueryPort: 0,
  bigqueryGrpcPort: 0,
  strictGoogleSql: true,
  dataDir,
  project: 'cli-test',
  logLevel: 'error',
});

// No GCE metadata probing from the client (it only prints MetadataLookupWarning noise).
process.env.METADATA_SERVER_DETECTION ??= 'none';

describe('pizzaflow emulators', () => {
  test('--only parsing', () => {
    expect(parseOnly(undefined)).toEqual(['pubsub', 'storage', 'bigquery']);
    expect(parseOnly('pubsub, storage,pubsub')).toEqual(['pubsub', 'storage']);
    expect(() => parseOnly('pubsub,redis')).toThrow('unknown emulator "redis"');
    expect(() => parseOnly(',')).toThrow('at least one');
  });

  test('all three start together and serve the official clients', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pizzaflow-cli-all-'));
    const running = await startEmulators({ ...base(dataDir), only: parseOnly(undefined) });
    const url = (name: string) => running.find((r) => r.name === name)!.url;
    try {
      const lines = readyLines(running);
      expect(lines.slice(0, 3)).toEqual([`ready pubsub ${url('pubsub')}`, `ready storage ${url('storage')}`, `ready bigquery ${url('bigquery')}`]);
      expect(lines).toEqual(expect.arrayContaining([`export STORAGE_EMULATOR_HOST=${url('storage')}`, `export BIGQUERY_EMULATOR_HOST=${url('bigquery')}`]));
      expect(lines.some((l) => /^export BIGQUERY_STORAGE_EMULATOR_HOST=localhost:\d+$/.test(l))).toBe(true);
      const storage = new Storage({ projectId: 'cli-test', apiEndpoint: url('storage') });
      await storage.createBucket('cli-bucket');
      await storage.bucket('cli-bucket').file('rows.ndjson').save('{"n":1}\n{"n":2}\n', { resumable: false });
      const bigquery = new BigQuery({ projectId: 'cli-test', apiEndpoint: url('bigquery') });
      const [dataset] = await bigquery.createDataset('cli_ds');
      const [rows] = await bigquery.query('SELECT 40 + 2 AS answer');
      expect(rows).toEqual([{ answer: 42 }]);
      expect(dataset.id).toBe('cli_ds');
      // --strict-googlesql: what BigQuery's analyzer refuses, the emulator refuses too.
      await expect(bigquery.query('SELECT 1 +')).rejects.toThrow(/Syntax error/i);
      // The data lives under --data-dir, one folder per emulator.
      expect(fs.existsSync(path.join(dataDir, 'storage', 'cli-bucket', 'rows.ndjson'))).toBe(true);
    } finally {
      await Promise.all(running.map((r) => r.close()));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('pubsub starts, prints ready and export lines, and serves the official client', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pizzaflow-cli-'));
    const running = await startEmulators(base(dataDir));
    const client = new PubSub({ projectId: 'cli-test', apiEndpoint: running[0]!.url });
    try {
      const lines = readyLines(running);
      expect(lines[0]).toMatch(/^ready pubsub localhost:\d+$/);
      expect(lines).toContain(`export PUBSUB_EMULATOR_HOST=${running[0]!.url}`);
      const [topic] = await client.createTopic('cli-topic');
      expect(topic.name).toBe('projects/cli-test/topics/cli-topic');
      // The push-token public key is left for receivers in other processes.
      const pem = fs.readFileSync(path.join(dataDir, 'pubsub-push-oidc.pem'), 'utf8');
      const token = signPushToken({ audience: 'https://a', email: 'sa@x' });
      expect(verifyPushToken(token, { audience: 'https://a', publicKey: pem }).email).toBe('sa@x');
    } finally {
      await client.close();
      await Promise.all(running.map((r) => r.close()));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
