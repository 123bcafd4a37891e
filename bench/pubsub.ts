// Pub/Sub emulator throughput: messages/s from publish to receipt through the official client
// (batched publish, StreamingPull with acks), for our emulator and, when installed, Google's.
// Each emulator runs in its own process, like in local mode; the publisher runs here and the
// subscriber in a child process.
// Run from compiled output: `npm run build && node dist/bench/pubsub.js [--messages N] [--size BYTES]`.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { startPubsub as start } from '@pizzaflow/emulators';
import { findOfficialEmulator, startOfficialEmulator } from '@pizzaflow/emulators';

interface RunResult {
  emulator: string;
  messages: number;
  messageBytes: number;
  publishSeconds: number;
  totalSeconds: number;
  publishPerSecond: number;
  messagesPerSecond: number;
  duplicates: number;
  /** Emulator CPU per message and the rate one fully used core would sustain. */
  emulatorCpuMicrosPerMessage?: number;
  emulatorMessagesPerCpuSecond?: number;
}

const SERVE_FLAG = '--serve-pizzaflow-emulator';
const SUBSCRIBE_FLAG = '--subscribe';

/** CPU time a process has used (Linux /proc; undefined elsewhere). */
function processCpuMs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Child-process mode: run our emulator and report its address to the parent. */
async function serve(): Promise<void> {
  const emulator = await start({ port: 0, logLevel: 'warn' });
  process.send!({ url: emulator.url });
  process.on('disconnect', () => void emulator.close().then(() => process.exit(0)));
}

async function startOurs(): Promise<{ url: string; pid: number; close(): Promise<void> }> {
  const child = fork(__filename, [SERVE_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
  });
  child.removeAllListeners('exit');
  return {
    url,
    pid: child.pid!,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

interface SubscriberReport {
  received: number;
  duplicates: number;
}

/**
 * Child-process mode: the subscriber. It runs apart from the publisher, as the ingest function
 * runs apart from the collector, so the two client halves do not share one core.
 */
async function subscribe(url: string, name: string, messages: number): Promise<void> {
  const pubsub = new PubSub({ projectId: 'bench', apiEndpoint: url });
  const subscription = pubsub.subscription(name, {
    flowControl: { maxMessages: 20_000, allowExcessMessages: false },
    batching: { maxMessages: 3000, maxMilliseconds: 50 },
  });
  await subscription.getMetadata(); // channel up before the clock starts
  const seen = new Uint8Array(messages);
  let received = 0;
  let duplicates = 0;
  subscription.on('message', (m: Message) => {
    const i = m.data.readUInt32BE(0);
    if (seen[i]) duplicates++;
    else {
      seen[i] = 1;
      received++;
    }
    m.ack();
    if (received === messages) {
      process.send!({ received, duplicates } satisfies SubscriberReport);
      void subscription.close().then(() => pubsub.close()).then(() => process.exit(0));
    }
  });
  subscription.on('error', (err: Error) => {
    process.stderr.write(`subscriber error: ${err.message}\n`);
    process.exit(1);
  });
  process.send!({ ready: true });
}

function startSubscriber(url: string, name: string, messages: number): Promise<{ done: Promise<SubscriberReport> }> {
  const child = fork(__filename, [SUBSCRIBE_FLAG, url, name, String(messages)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const done = new Promise<SubscriberReport>((resolveDone, rejectDone) => {
      child.on('message', (m: { ready?: boolean } & Partial<SubscriberReport>) => {
        if (m.ready) resolve({ done });
        else resolveDone(m as SubscriberReport);
      });
      child.once('exit', (code) => {
        const err = new Error(`subscriber exited with ${code}`);
        reject(err);
        rejectDone(err);
      });
    });
    done.catch(() => undefined);
  });
}

async function run(emulator: string, url: string, pid: number, messages: number, size: number): Promise<RunResult> {
  const pubsub = new PubSub({ projectId: 'bench', apiEndpoint: url });
  try {
    const [topic] = await pubsub.createTopic(`bench-${Date.now()}`);
    const [created] = await topic.createSubscription(`bench-sub-${Date.now()}`);
    const subscriber = await startSubscriber(url, created.name, messages);
    const publisher = pubsub.topic(topic.name, {
      batching: { maxMessages: 1000, maxBytes: 9 * 1024 * 1024, maxMilliseconds: 10 },
    });
    const cpu0 = processCpuMs(pid);
    const t0 = process.hrtime.bigint();
    // Keep at most `window` messages unconfirmed so the client's memory stays flat.
    const window = 20_000;
    let inflight = 0;
    let wake: () => void = () => {};
    const published: Promise<string>[] = [];
    for (let i = 0; i < messages; i++) {
      if (inflight >= window) await new Promise<void>((resolve) => (wake = resolve));
      inflight++;
      const data = Buffer.alloc(size, 'x');
      data.writeUInt32BE(i, 0); // the message's index, for the subscriber's duplicate check
      const p = publisher.publishMessage({ data });
      published.push(
        p.finally(() => {
          if (--inflight < window / 2) wake();
        }),
      );
    }
    await Promise.all(published);
    const t1 = process.hrtime.bigint();
    const report = await subscriber.done;
    const t2 = process.hrtime.bigint();
    const cpu1 = processCpuMs(pid);
    const publishSeconds = Number(t1 - t0) / 1e9;
    const totalSeconds = Number(t2 - t0) / 1e9;
    return {
      emulator,
      messages,
      messageBytes: size,
      publishSeconds: round(publishSeconds),
      totalSeconds: round(totalSeconds),
      publishPerSecond: Math.round(messages / publishSeconds),
      messagesPerSecond: Math.round(messages / totalSeconds),
      duplicates: report.duplicates,
      ...(cpu0 !== undefined && cpu1 !== undefined && cpu1 > cpu0
        ? {
            emulatorCpuMicrosPerMessage: round(((cpu1 - cpu0) * 1000) / messages),
            emulatorMessagesPerCpuSecond: Math.round(messages / ((cpu1 - cpu0) / 1000)),
          }
        : {}),
    };
  } finally {
    await pubsub.close();
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  // The client would otherwise probe for a GCE metadata server and print warnings.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const messages = arg('--messages', 100_000);
  const size = arg('--size', 1024);
  const results: RunResult[] = [];
  const ours = await startOurs();
  try {
    await run('pizzaflow (warm-up)', ours.url, ours.pid, Math.min(10_000, messages), size);
    results.push(await run('pizzaflow', ours.url, ours.pid, messages, size));
  } finally {
    await ours.close();
  }
  const launcher = findOfficialEmulator();
  if (launcher) {
    const official = await startOfficialEmulator(launcher);
    try {
      await run('official (warm-up)', official.url, official.pid, Math.min(10_000, messages), size);
      results.push(await run('official', official.url, official.pid, messages, size));
    } finally {
      await official.close();
    }
  } else {
    process.stdout.write('official emulator not installed: skipped\n');
  }
  for (const r of results) {
    process.stdout.write(
      `${r.emulator.padEnd(10)} ${r.messages} x ${r.messageBytes} B: ${r.messagesPerSecond} msgs/s end to end ` +
        `(${r.totalSeconds} s; publish alone ${r.publishPerSecond} msgs/s; duplicates ${r.duplicates}; ` +
        `emulator CPU ${r.emulatorCpuMicrosPerMessage ?? '?'} µs/msg = ${r.emulatorMessagesPerCpuSecond ?? '?'} msgs per CPU-second)\n`,
    );
  }
  const outDir = path.resolve(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, 'pubsub.json');
  const report = {
    benchmark: 'pubsub publish->receive through @google-cloud/pubsub',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    targetMessagesPerSecond: 20_000,
    results,
  };
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}

if (process.argv.includes(SERVE_FLAG)) {
  void serve();
} else if (process.argv.includes(SUBSCRIBE_FLAG)) {
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const [url, name, messages] = process.argv.slice(process.argv.indexOf(SUBSCRIBE_FLAG) + 1);
  void subscribe(url!, name!, Number(messages));
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
