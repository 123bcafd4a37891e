// bench/hostile-collector: what a hostile request costs the collector, against a normal one in the
// same run. The collector runs as deployed: the functions framework's CLI serving its deploy bundle
// (tools/package, via tools/testing/collector-process) in a child process, FUNCTION_TARGET=collector,
// a Pub/Sub emulator behind it. Each scenario gets a fresh process, warmed up with normal requests; then
// `--rounds` requests of the scenario, one at a time. Per scenario: status, median and max time per
// request, and the process's RSS growth (VmRSS after minus before) and peak growth (VmHWM), each
// also as the excess over the baseline scenario (one valid 1-event request).
import * as fs from 'node:fs';
import * as http from 'node:http';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { PubSub } from '@google-cloud/pubsub';
import { startPubsub } from '@pizzaflow/emulators';
import { orderPlaced } from '../contracts/examples';
import { bundleCollector, startCollectorProcess, type CollectorProcess } from '../tools/testing/collector-process';
import { writeReport } from './report';

const { values: flags } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const ROUNDS = Number(flags.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds must be a positive integer, got ${flags.rounds}`);

const PROJECT = 'pizzaflow-bench';
const KEY = 'bench-portal-key-0001';
const MiB = 1024 * 1024;

interface Scenario {
  name: string;
  description: string;
  headers: Record<string, string>;
  body: Buffer;
}

async function gzipOfZeros(inflatedBytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => gzip.on('end', () => resolve()));
  const zeros = Buffer.alloc(MiB);
  for (let n = 0; n < inflatedBytes; n += zeros.length) if (!gzip.write(zeros)) await new Promise((r) => gzip.once('drain', r));
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

function memory(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

function send(port: number, headers: Record<string, string>, body: Buffer): Promise<{ status: number; ms: number; text: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/orders/events', headers, agent: false });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, ms: Number(process.hrtime.bigint() - started) / 1e6, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(body);
  });
}

/** A fresh collector process (the deploy bundle under the functions framework's CLI). */
function startCollector(bundlePath: string, pubsubHost: string): Promise<CollectorProcess> {
  return startCollectorProcess(bundlePath, { GOOGLE_CLOUD_PROJECT: PROJECT, PUBSUB_EMULATOR_HOST: pubsubHost, PIZZAFLOW_API_KEYS: `portal[*]=${KEY}`, PIZZAFLOW_PII_KEY: 'bench-hostile-pii-key-0123', LOG_LEVEL: 'error' });
}

const signed = (n: unknown): string => `${(n as number) >= 0 ? '+' : ''}${String(n)}`;

async function main(): Promise<void> {
  const bundlePath = await bundleCollector();
  const pubsubEmu = await startPubsub({ port: 0, project: PROJECT, logLevel: 'silent' });
  const pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: pubsubEmu.url });
  await pubsub.createTopic('online-orders');
  const json = { 'content-type': 'application/json' };
  const normal = Buffer.from(JSON.stringify({ events: [orderPlaced()] }));
  const bomb = await gzipOfZeros(150 * MiB);
  const scenarios: Scenario[] = [
    { name: 'baseline', description: 'valid key, 1 event (202)', headers: { ...json, 'x-api-key': KEY }, body: normal },
    { name: 'gzip-bomb-no-key', description: `gzip body of ${bomb.length} bytes inflating to 150 MiB, no API key`, headers: { ...json, 'content-encoding': 'gzip' }, body: bomb },
    { name: 'gzip-bomb-with-key', description: 'the same gzip body with a valid API key', headers: { ...json, 'content-encoding': 'gzip', 'x-api-key': KEY }, body: bomb },
    { name: 'plain-32mib-with-key', description: '32 MiB uncompressed body, valid API key', headers: { ...json, 'x-api-key': KEY }, body: Buffer.alloc(32 * MiB, 0x20) },
    { name: 'plain-32mib-no-key', description: '32 MiB uncompressed body, no API key', headers: json, body: Buffer.alloc(32 * MiB, 0x20) },
    { name: 'bad-json-with-key', description: 'malformed JSON, valid API key', headers: { ...json, 'x-api-key': KEY }, body: Buffer.from('{"events": [{"event_id": ') },
  ];

  const results: Record<string, Record<string, unknown>> = {};
  try {
    for (const s of scenarios) {
      const collector = await startCollector(bundlePath, pubsubEmu.url.replace(/^https?:\/\//, ''));
      try {
        for (let i = 0; i < 3; i++) await send(collector.port, scenarios[0]!.headers, scenarios[0]!.body);
        const before = memory(collector.pid);
        const times: number[] = [];
        const statuses = new Set<number>();
        let sample = '';
        for (let i = 0; i < ROUNDS; i++) {
          const r = await send(collector.port, s.headers, s.body);
          times.push(r.ms);
          statuses.add(r.status);
          sample = r.text.slice(0, 160);
        }
        const after = memory(collector.pid);
        times.sort((a, b) => a - b);
        results[s.name] = {
          description: s.description,
          requestBytes: s.body.length,
          status: [...statuses].join(','),
          response: sample,
          medianMs: Number(times[Math.floor(times.length / 2)]!.toFixed(2)),
          maxMs: Number(times[times.length - 1]!.toFixed(2)),
          rssGrowthMiB: Number(((after.rss - before.rss) / MiB).toFixed(1)),
          peakRssGrowthMiB: Number(((after.hwm - before.hwm) / MiB).toFixed(1)),
          peakRssMiB: Number((after.hwm / MiB).toFixed(1)),
        };
      } finally {
        await collector.close();
      }
    }
  } finally {
    await pubsub.close();
    await pubsubEmu.close();
  }
  const base = results.baseline!;
  for (const [name, r] of Object.entries(results)) {
    r.extraMsVsBaseline = Number(((r.medianMs as number) - (base.medianMs as number)).toFixed(2));
    r.extraPeakRssMiBVsBaseline = Number(((r.peakRssGrowthMiB as number) - (base.peakRssGrowthMiB as number)).toFixed(1));
    console.log(
      `${name.padEnd(22)} ${String(r.status).padEnd(4)} median ${String(r.medianMs).padStart(8)} ms  max ${String(r.maxMs).padStart(8)} ms  ` +
        `(${signed(r.extraMsVsBaseline)} ms vs baseline)  peak RSS ${signed(r.peakRssGrowthMiB)} MiB (${signed(r.extraPeakRssMiBVsBaseline)} vs baseline), peak ${r.peakRssMiB} MiB`,
    );
  }
  const file = writeReport({
    benchmark: 'hostile-collector',
    description: `collector (functions framework CLI, child process): ${ROUNDS} hostile requests per scenario against a normal 1-event request; extra time and peak RSS per scenario`,
    results: { rounds: ROUNDS, scenarios: results },
  });
  console.log(`wrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
