// Query parameters of a metrics request, checked before anything reaches BigQuery: each problem is
// a 400 with a reason a merchant's developer can act on.
import type { Granularity, MetricDefinition } from './catalog';

export const MAX_RANGE_DAYS: Record<Granularity, number> = { hour: 31, day: 366 };
/** When `from`/`to` are omitted: the last week, ending today (UTC). */
export const DEFAULT_RANGE_DAYS = 7;

export interface MetricParams {
  from: string;
  to: string;
  granularity: Granularity;
}

export type ParamsResult = { ok: true; params: MetricParams } | { ok: false; reason: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function parseDate(name: string, text: string): number | string {
  if (!DATE.test(text)) return `${name} must be a date YYYY-MM-DD, not "${text.slice(0, 40)}"`;
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return `${name} is not a calendar date: "${text}"`;
  return ms;
}

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function parseMetricParams(metric: MetricDefinition, query: URLSearchParams, now: Date): ParamsResult {
  const known = new Set(['from', 'to', 'granularity']);
  const unknown = [...query.keys()].find((k) => !known.has(k));
  if (unknown !== undefined) return { ok: false, reason: `unknown parameter "${unknown.slice(0, 40)}" (expected from, to, granularity)` };

  const granularityText = query.get('granularity') ?? (metric.granularities.includes('day') ? 'day' : metric.granularities[0] ?? 'day');
  if (granularityText !== 'hour' && granularityText !== 'day') return { ok: false, reason: `granularity must be hour or day, not "${granularityText.slice(0, 40)}"` };
  const granularity: Granularity = granularityText;
  if (metric.granularities.length > 0 && !metric.granularities.includes(granularity)) {
    return { ok: false, reason: `${metric.name} is kept per ${metric.granularities.join(' or ')}, not per ${granularity}` };
  }

  const toText = query.get('to') ?? isoDate(now.getTime());
  const to = parseDate('to', toText);
  if (typeof to === 'string') return { ok: false, reason: to };
  const fromText = query.get('from') ?? isoDate(to - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
  const from = parseDate('from', fromText);
  if (typeof from === 'string') return { ok: false, reason: from };
  if (from > to) return { ok: false, reason: `from (${fromText}) is after to (${toText})` };
  const days = (to - from) / DAY_MS + 1;
  const max = MAX_RANGE_DAYS[granularity];
  if (days > max) return { ok: false, reason: `range too long: ${days} days; at most ${max} days per request at granularity=${granularity}` };
  return { ok: true, params: { from: fromText, to: toText, granularity } };
}
