// bench/validate: JSON.parse + validation of online order events on one core. Compares the zod
// contract (safeParse) with the ajv validator compiled from its JSON Schema, both measured in this
// run against a JSON.parse-only baseline. The ingest path needs >= 150k events/s/core.
import { orderPlaced, orderUpdated } from '../contracts/examples';
import { fastValidator } from '../contracts/fast-validator';
import { onlineOrderEvent } from '../contracts/online-order';
import { medianMs, writeReport } from './report';

const TARGET_PER_SECOND = 150_000;

/** A realistic mix: ~35% placed (with lines, customer, totals), the rest status updates. */
function corpus(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = i % 20 < 7 ? orderPlaced() : orderUpdated();
    out.push(JSON.stringify({ ...e, event_id: `evt-${i}`, order_id: `o-${Math.floor(i / 3)}`, store_id: `s${(i % 2000).toString().padStart(4, '0')}` }));
  }
  return out;
}

function main(): void {
  const n = Number(process.argv[2] ?? 100_000);
  const rounds = 5;
  const lines = corpus(n);
  const fast = fastValidator('online-order');
  let sink = 0;

  // Warm up every path so the JIT has compiled them before timing.
  for (const line of lines.slice(0, 20_000)) {
    const v = JSON.parse(line) as unknown;
    sink += onlineOrderEvent.safeParse(v).success ? 1 : 0;
    sink += fast(v).ok ? 1 : 0;
  }

  const parseOnly = medianMs(rounds, () => {
    for (const line of lines) sink += (JSON.parse(line) as { schema_version: number }).schema_version;
  });
  const zod = medianMs(rounds, () => {
    for (const line of lines) if (onlineOrderEvent.safeParse(JSON.parse(line)).success) sink += 1;
  });
  const ajv = medianMs(rounds, () => {
    for (const line of lines) if (fast(JSON.parse(line)).ok) sink += 1;
  });
  if (sink === 0) throw new Error('nothing validated: the benchmark is broken');

  const rate = (ms: number) => Math.round(n / (ms / 1000));
  const results = {
    events: n,
    rounds,
    parseOnlyPerSecond: rate(parseOnly),
    zodPerSecond: rate(zod),
    ajvPerSecond: rate(ajv),
    ajvOverZod: Number((zod / ajv).toFixed(2)),
    zodShareOfParseOnly: Number((parseOnly / zod).toFixed(3)),
    ajvShareOfParseOnly: Number((parseOnly / ajv).toFixed(3)),
    targetPerSecond: TARGET_PER_SECOND,
    zodMeetsTarget: rate(zod) >= TARGET_PER_SECOND,
    ajvMeetsTarget: rate(ajv) >= TARGET_PER_SECOND,
  };
  const file = writeReport({ benchmark: 'validate', description: 'JSON.parse + validate online order events, one core', results });
  process.stdout.write(
    [
      `bench/validate: ${n} online order events, median of ${rounds} rounds, one core`,
      `  JSON.parse only (baseline)  ${results.parseOnlyPerSecond.toLocaleString()} events/s`,
      `  JSON.parse + zod safeParse  ${results.zodPerSecond.toLocaleString()} events/s  (${results.zodMeetsTarget ? 'meets' : 'misses'} ${TARGET_PER_SECOND.toLocaleString()}/s)`,
      `  JSON.parse + ajv (compiled) ${results.ajvPerSecond.toLocaleString()} events/s  (${results.ajvMeetsTarget ? 'meets' : 'misses'} ${TARGET_PER_SECOND.toLocaleString()}/s)`,
      `  ajv / zod speed-up          ${results.ajvOverZod}x`,
      `  written to ${file}`,
      '',
    ].join('\n'),
  );
}

main();
