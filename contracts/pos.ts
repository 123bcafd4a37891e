// Point-of-sale transactions and the POS batch file each store uploads every 15 minutes:
// gzip NDJSON with a header line, body lines (transactions and inventory movements) and a trailer
// line carrying the body's row count and sha256.
import { z } from 'zod';
import { cents, currency, eventEnvelope, identifier, merchantId, orderLine, paymentMethod, schemaVersion, storeId, timestamp } from './common';
import { checkOrderTotals, checkPayments, checkTimeOrder, reportTo, type ConsistencyIssue } from './consistency';
import { inventoryConsistency, inventoryMovementShape } from './inventory';

export const POS_TRANSACTION_TYPES = ['sale', 'void', 'refund'] as const;

export const posTransactionShape = z.strictObject({
  ...eventEnvelope,
  register_id: identifier('Till that rang the transaction'),
  transaction_id: identifier('Transaction number, unique within the store'),
  transaction_type: z.enum(POS_TRANSACTION_TYPES).describe('sale; void or refund reverse an earlier sale in full'),
  original_transaction_id: identifier('The sale a void or refund reverses').nullable(),
  currency,
  lines: z.array(orderLine).max(200).describe('Lines of a sale; empty for a void or refund'),
  totals: z.strictObject({
    subtotal_cents: cents('Sum of quantity x unit price'),
    discount_cents: cents('Sum of line discounts'),
    tax_cents: cents('Sales tax'),
    total_cents: cents('Amount paid (sale) or returned (refund)'),
  }),
  payments: z
    .array(z.strictObject({ method: paymentMethod, amount_cents: cents('Amount tendered with this method') }))
    .max(10)
    .describe('Tenders; they add up to the total'),
});

export function posTransactionConsistency(t: z.infer<typeof posTransactionShape>): ConsistencyIssue[] {
  if (t.transaction_type === 'sale') {
    const issues: ConsistencyIssue[] = [];
    if (t.lines.length === 0) issues.push({ path: ['lines'], message: 'a sale needs at least one line' });
    if (t.original_transaction_id !== null) {
      issues.push({ path: ['original_transaction_id'], message: 'a sale does not reverse another transaction' });
    }
    return [...issues, ...checkOrderTotals(t.lines, t.totals), ...checkPayments(t.payments, t.totals.total_cents)];
  }
  const issues: ConsistencyIssue[] = [];
  if (t.original_transaction_id === null) {
    issues.push({ path: ['original_transaction_id'], message: `a ${t.transaction_type} must name the sale it reverses` });
  }
  if (t.lines.length !== 0) issues.push({ path: ['lines'], message: `a ${t.transaction_type} reverses a whole sale and has no lines` });
  return [...issues, ...checkPayments(t.payments, t.totals.total_cents)];
}

export const posTransaction = posTransactionShape.superRefine((t, ctx) => reportTo(ctx, posTransactionConsistency(t), t));
export type PosTransaction = z.infer<typeof posTransactionShape>;

export const posFileHeader = z
  .strictObject({
    record_type: z.literal('header'),
    schema_version: schemaVersion,
    merchant_id: merchantId,
    store_id: storeId,
    window_start: timestamp('Start of the 15-minute window the file covers (inclusive)'),
    window_end: timestamp('End of the window (exclusive)'),
    created_at: timestamp('When the store wrote the file'),
  })
  .superRefine((h, ctx) => reportTo(ctx, checkTimeOrder('window_start', h.window_start, 'window_end', h.window_end, 60), h));

export const posFileTrailer = z.strictObject({
  record_type: z.literal('trailer'),
  row_count: z.int().min(0).max(10_000_000).describe('Number of body lines between header and trailer'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters').describe('sha256 of the body lines'),
});

const posTransactionLine = posTransactionShape.extend({ record_type: z.literal('transaction') });
const inventoryMovementLine = inventoryMovementShape.extend({ record_type: z.literal('inventory_movement') });

export const posBodyLineShape = z.discriminatedUnion('record_type', [posTransactionLine, inventoryMovementLine]);
export function posBodyLineConsistency(line: z.infer<typeof posBodyLineShape>): ConsistencyIssue[] {
  return line.record_type === 'transaction' ? posTransactionConsistency(line) : inventoryConsistency(line);
}
export const posBodyLine = posBodyLineShape.superRefine((line, ctx) => reportTo(ctx, posBodyLineConsistency(line), line));

export type PosFileHeader = z.infer<typeof posFileHeader>;
export type PosFileTrailer = z.infer<typeof posFileTrailer>;
export type PosBodyLine = z.infer<typeof posBodyLineShape>;
