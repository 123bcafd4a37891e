// Inventory movements reported by each store's back office in its POS batch: goods received,
// consumed by sales (from recipes), wasted, and counted. Quantities are integers in the material's
// base unit (grams, millilitres or items), so no float ever holds a stock level.
import { z } from 'zod';
import { eventEnvelope, identifier, materialId } from './common';
import { reportTo, type ConsistencyIssue } from './consistency';

export const MOVEMENT_TYPES = ['receipt', 'consumption', 'waste', 'count'] as const;
export const BASE_UNITS = ['g', 'ml', 'each'] as const;

export const inventoryMovementShape = z.strictObject({
  ...eventEnvelope,
  movement_type: z.enum(MOVEMENT_TYPES).describe('receipt adds stock, consumption and waste remove it, count states it'),
  material_id: materialId,
  quantity: z.int().min(0).max(100_000_000).describe('Base units moved (for count: units on hand)'),
  unit: z.enum(BASE_UNITS).describe('Base unit of the material'),
  cost_cents: z.int().min(0).max(1_000_000_000).nullable().describe('Cost of a receipt, integer minor units; null otherwise'),
  supplier_id: identifier('Supplier of a receipt').nullable(),
  waste_reason: z.enum(['expired', 'damaged', 'overproduction']).nullable().describe('Why stock was wasted; waste only'),
});

export function inventoryConsistency(m: z.infer<typeof inventoryMovementShape>): ConsistencyIssue[] {
  const issues: ConsistencyIssue[] = [];
  const isReceipt = m.movement_type === 'receipt';
  if (isReceipt && (m.supplier_id === null || m.cost_cents === null)) {
    issues.push({ path: [m.supplier_id === null ? 'supplier_id' : 'cost_cents'], message: 'a receipt needs supplier_id and cost_cents' });
  }
  if (!isReceipt && (m.supplier_id !== null || m.cost_cents !== null)) {
    issues.push({ path: [m.supplier_id !== null ? 'supplier_id' : 'cost_cents'], message: 'only a receipt has supplier_id and cost_cents' });
  }
  if ((m.movement_type === 'waste') !== (m.waste_reason !== null)) {
    issues.push({ path: ['waste_reason'], message: 'waste_reason is required for waste and forbidden otherwise' });
  }
  if (m.movement_type !== 'count' && m.quantity === 0) {
    issues.push({ path: ['quantity'], message: `a ${m.movement_type} must move at least one unit` });
  }
  return issues;
}

export const inventoryMovement = inventoryMovementShape.superRefine((m, ctx) => reportTo(ctx, inventoryConsistency(m), m));
export type InventoryMovement = z.infer<typeof inventoryMovementShape>;
