// When a catalog schedule fires next. The local scheduler supports what the catalog uses: minute
// and hour fields (`*`, N, N-M, lists, steps) in UTC, with day, month and weekday left as `*`.
import { cronProblem } from '../../contracts/catalog/cron';
import { UsageError } from '../../functions/runtime/errors';

const MINUTE_MS = 60_000;

function values(field: string, min: number, max: number): number[] {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const [range, stepText] = item.split('/') as [string, string?];
    const step = stepText ? Number(stepText) : 1;
    const [lo, hi] = range === '*' ? [min, max] : range.includes('-') ? (range.split('-').map(Number) as [number, number]) : stepText ? [Number(range), max] : [Number(range), Number(range)];
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

export interface CronSchedule {
  expression: string;
  /** The first firing time strictly after `afterMs` (UTC). */
  nextAfter(afterMs: number): number;
}

export function parseCron(expression: string, timeZone = 'Etc/UTC'): CronSchedule {
  const problem = cronProblem(expression);
  if (problem) throw new UsageError(`cron "${expression}": ${problem}`);
  if (!['Etc/UTC', 'UTC'].includes(timeZone)) throw new UsageError(`cron "${expression}": the local scheduler runs schedules in UTC only, not ${timeZone}`);
  const [minuteField, hourField, ...rest] = expression.trim().split(/\s+/) as [string, string, ...string[]];
  if (rest.some((f) => f !== '*')) throw new UsageError(`cron "${expression}": the local scheduler supports minute and hour fields only (day, month and weekday must be *)`);
  const minutes = values(minuteField, 0, 59);
  const hours = new Set(values(hourField, 0, 23));
  return {
    expression,
    nextAfter(afterMs) {
      // Whole minutes after `afterMs`; at most a day of candidates, each hour checked once.
      let t = Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      const limit = t + 25 * 60 * MINUTE_MS;
      while (t <= limit) {
        const d = new Date(t);
        if (!hours.has(d.getUTCHours())) {
          t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
          continue;
        }
        const minute = minutes.find((m) => m >= d.getUTCMinutes());
        if (minute !== undefined) return t + (minute - d.getUTCMinutes()) * MINUTE_MS;
        t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
      }
      throw new UsageError(`cron "${expression}" never fires`);
    },
  };
}
