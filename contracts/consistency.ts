// Cross-field rules that a JSON schema cannot express (sums, conditional fields). Plain functions,
// shared by the zod contracts (superRefine) and the compiled hot-path validator, so both agree.

export type IssuePath = (string | number)[];
export interface ConsistencyIssue {
  path: IssuePath;
  message: string;
}

interface Line {
  quantity: number;
  unit_price_cents: number;
  discount_cents: number;
}

interface Totals {
  subtotal_cents: number;
  discount_cents: number;
  tax_cents: number;
  total_cents: number;
  delivery_fee_cents?: number;
  tip_cents?: number;
}

/** Lines add up to the totals, and no line is discounted below zero. */
export function checkOrderTotals(lines: readonly Line[], totals: Totals): ConsistencyIssue[] {
  const issues: ConsistencyIssue[] = [];
  let subtotal = 0;
  let discount = 0;
  lines.forEach((line, i) => {
    const gross = line.quantity * line.unit_price_cents;
    if (line.discount_cents > gross) {
      issues.push({ path: ['lines', i, 'discount_cents'], message: `discount ${line.discount_cents} exceeds the line amount ${gross}` });
    }
    subtotal += gross;
    discount += line.discount_cents;
  });
  if (totals.subtotal_cents !== subtotal) {
    issues.push({ path: ['totals', 'subtotal_cents'], message: `subtotal ${totals.subtotal_cents} does not equal the sum of lines ${subtotal}` });
  }
  if (totals.discount_cents !== discount) {
    issues.push({ path: ['totals', 'discount_cents'], message: `discount ${totals.discount_cents} does not equal the sum of line discounts ${discount}` });
  }
  const expected =
    totals.subtotal_cents - totals.discount_cents + totals.tax_cents + (totals.delivery_fee_cents ?? 0) + (totals.tip_cents ?? 0);
  if (totals.total_cents !== expected) {
    issues.push({ path: ['totals', 'total_cents'], message: `total ${totals.total_cents} does not equal subtotal - discount + tax + fees (${expected})` });
  }
  return issues;
}

/** Payments cover the total exactly. */
export function checkPayments(payments: readonly { amount_cents: number }[], totalCents: number): ConsistencyIssue[] {
  const paid = payments.reduce((sum, p) => sum + p.amount_cents, 0);
  return paid === totalCents
    ? []
    : [{ path: ['payments'], message: `payments add up to ${paid}, not the total ${totalCents}` }];
}

export function checkTimeOrder(
  startPath: string,
  start: string,
  endPath: string,
  end: string,
  maxMinutes?: number,
): ConsistencyIssue[] {
  const ms = Date.parse(end) - Date.parse(start);
  if (!(ms > 0)) return [{ path: [endPath], message: `${endPath} must be after ${startPath}` }];
  if (maxMinutes !== undefined && ms > maxMinutes * 60_000) {
    return [{ path: [endPath], message: `${endPath} is more than ${maxMinutes} minutes after ${startPath}` }];
  }
  return [];
}

export function checkDateOrder(startPath: string, start: string, endPath: string, end: string): ConsistencyIssue[] {
  return end >= start ? [] : [{ path: [endPath], message: `${endPath} must not be before ${startPath}` }];
}

/** Adapts the plain rules to zod's superRefine. */
export function reportTo(
  ctx: { addIssue: (issue: { code: 'custom'; message: string; path: IssuePath; input: unknown }) => void },
  issues: readonly ConsistencyIssue[],
  input: unknown,
): void {
  for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input });
}
