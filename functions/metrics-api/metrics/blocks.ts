// Cache blocks for the metrics API (pure). A range is answered from aligned blocks that cover it:
// whole calendar months for date-keyed metrics, the data's whole extent for interval metrics. The
// handler queries missing blocks, caches them per merchant, metric, granularity, block and data
// version, and slices the requested range out of them, so any range inside blocks already fetched
// costs no warehouse query and the rows are those (and in the order) the range's own query returns.
import type { Slicing } from './catalog';
import type { MetricRow } from './source';

export interface Block {
  /** `YYYY-MM` for a month, `extent` for the whole extent. */
  id: string;
  /** First and last date the block's query covers, inclusive (YYYY-MM-DD). */
  from: string;
  to: string;
}

/** Every date BigQuery's DATE type can hold: one query over it answers every range. */
export const EXTENT: Block = { id: 'extent', from: '0001-01-01', to: '9999-12-31' };

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function month(index: number): Block {
  const year = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  const id = `${pad(year, 4)}-${pad(m, 2)}`;
  return { id, from: `${id}-01`, to: `${id}-${pad(lastDay, 2)}` };
}

const monthIndex = (date: string): number => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

/** The calendar months covering `[from, to]` (dates YYYY-MM-DD, from <= to), in order. */
export function monthBlocks(from: string, to: string): Block[] {
  const blocks: Block[] = [];
  for (let i = monthIndex(from); i <= monthIndex(to); i++) blocks.push(month(i));
  return blocks;
}

/** The blocks a range needs under a slicing (none for `exact`: that range is queried as it is). */
export function blocksFor(slicing: Slicing, from: string, to: string): Block[] {
  if (slicing.kind === 'month') return monthBlocks(from, to);
  if (slicing.kind === 'overlap') return [EXTENT];
  return [];
}

/**
 * Groups blocks (in order) into runs that one query can cover: consecutive months form a run;
 * every other block is a run of its own. Each run is `{from, to, blocks}`.
 */
export function queryRuns(blocks: readonly Block[]): { from: string; to: string; blocks: Block[] }[] {
  const runs: { from: string; to: string; blocks: Block[] }[] = [];
  for (const b of blocks) {
    const last = runs[runs.length - 1];
    const prev = last?.blocks[last.blocks.length - 1];
    if (last && prev && prev.id !== EXTENT.id && b.id !== EXTENT.id && monthIndex(b.from) === monthIndex(prev.from) + 1) {
      last.blocks.push(b);
      last.to = b.to;
    } else {
      runs.push({ from: b.from, to: b.to, blocks: [b] });
    }
  }
  return runs;
}

/** The date (YYYY-MM-DD) a row value starts with: a DATE, or a UTC TIMESTAMP in ISO form. */
function dateOf(value: MetricRow[string] | undefined): string | undefined {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;
}

/**
 * Splits the rows of one run's query into its blocks, keeping their order. Every block of the run
 * gets an entry (an empty month is a cached answer too). Rows outside the run's blocks, or without
 * a date, are dropped: the run's query covered exactly its blocks.
 */
export function splitIntoBlocks(rows: readonly MetricRow[], slicing: Slicing, blocks: readonly Block[]): Map<string, MetricRow[]> {
  const out = new Map<string, MetricRow[]>(blocks.map((b) => [b.id, []]));
  for (const row of rows) {
    let id: string | undefined;
    if (slicing.kind === 'month') id = dateOf(row[slicing.dateColumn])?.slice(0, 7);
    else if (slicing.kind === 'overlap') id = EXTENT.id;
    if (id !== undefined) out.get(id)?.push(row);
  }
  return out;
}

/**
 * The rows of `[from, to]` out of the blocks' rows (concatenated in block order): for `month`, rows
 * whose date is inside the range; for `overlap`, intervals overlapping it (a NULL end never does,
 * as in SQL). The order is kept, so it is the range's own query's order.
 */
export function sliceRows(rows: readonly MetricRow[], slicing: Slicing, from: string, to: string): MetricRow[] {
  if (slicing.kind === 'month') {
    return rows.filter((row) => {
      const d = dateOf(row[slicing.dateColumn]);
      return d !== undefined && d >= from && d <= to;
    });
  }
  if (slicing.kind === 'overlap') {
    return rows.filter((row) => {
      const start = dateOf(row[slicing.startColumn]);
      const end = dateOf(row[slicing.endColumn]);
      return start !== undefined && end !== undefined && start <= to && end >= from;
    });
  }
  return [...rows];
}
