// Checks a five-field cron expression as Cloud Scheduler accepts it (unix-cron): minute, hour,
// day of month, month, day of week; each a `*`, a number, a range, a list, with optional `/step`.

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

/** Returns the problem with `expression`, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const field = FIELDS[i]!;
    for (const item of parts[i]!.split(',')) {
      const problem = itemProblem(item, field.min, field.max);
      if (problem) return `${field.name} "${parts[i]}": ${problem}`;
    }
  }
  return undefined;
}

function itemProblem(item: string, min: number, max: number): string | undefined {
  const m = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(item);
  if (!m) return `"${item}" is not *, N, N-M or a list of them (with an optional /step)`;
  const [, range, step] = m;
  if (step !== undefined && (Number(step) < 1 || Number(step) > max)) return `step ${step} out of range`;
  if (range === '*') return undefined;
  const [lo, hi = lo] = range!.split('-').map(Number) as [number, number?];
  if (lo < min || lo > max || hi! < min || hi! > max) return `${range} outside ${min}-${max}`;
  if (hi! < lo) return `range ${range} runs backwards`;
  return undefined;
}

/** The minutes past the hour at which a `minute` field fires (for the scheduler and checks). */
export function minutesOf(minuteField: string): number[] {
  const out = new Set<number>();
  for (const item of minuteField.split(',')) {
    const [range, stepText] = item.split('/') as [string, string?];
    const step = stepText ? Number(stepText) : 1;
    const [lo, hi] = range === '*' ? [0, 59] : range.includes('-') ? (range.split('-').map(Number) as [number, number]) : stepText ? [Number(range), 59] : [Number(range), Number(range)];
    for (let m = lo; m <= hi; m += step) out.add(m);
  }
  return [...out].sort((a, b) => a - b);
}
