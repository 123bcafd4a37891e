// Every record kind pizzaflow validates, by the name the CLI and the functions use.
import type { z } from 'zod';
import type { ConsistencyIssue } from './consistency';
import { deliveryConsistency, deliveryEvent, deliveryEventShape } from './delivery';
import { inventoryConsistency, inventoryMovement, inventoryMovementShape } from './inventory';
import { onlineOrderConsistency, onlineOrderEvent, onlineOrderEventShape } from './online-order';
import { posBodyLine, posBodyLineConsistency, posBodyLineShape, posFileHeader, posFileTrailer, posTransaction, posTransactionConsistency, posTransactionShape } from './pos';
import { merchant, product, promotion, promotionConsistency, promotionShape, rawMaterial, store, supplier } from './reference';

export interface RecordKind {
  /** The contract: shape plus cross-field rules. */
  schema: z.ZodType;
  /** The shape alone (what JSON Schema and BigQuery see). */
  shape: z.ZodType;
  /** The cross-field rules, applied after the shape passes. */
  consistency: (value: never) => ConsistencyIssue[];
  description: string;
}

const none = (): ConsistencyIssue[] => [];

export const RECORD_KINDS = {
  'online-order': { schema: onlineOrderEvent, shape: onlineOrderEventShape, consistency: onlineOrderConsistency, description: 'online order event (Pub/Sub payload)' },
  delivery: { schema: deliveryEvent, shape: deliveryEventShape, consistency: deliveryConsistency, description: 'delivery provider webhook body' },
  'pos-transaction': { schema: posTransaction, shape: posTransactionShape, consistency: posTransactionConsistency, description: 'POS transaction (without record_type)' },
  'inventory-movement': { schema: inventoryMovement, shape: inventoryMovementShape, consistency: inventoryConsistency, description: 'inventory movement (without record_type)' },
  'pos-line': { schema: posBodyLine, shape: posBodyLineShape, consistency: posBodyLineConsistency, description: 'POS file body line (transaction or inventory_movement)' },
  'pos-header': { schema: posFileHeader, shape: posFileHeader, consistency: none, description: 'POS file header line' },
  'pos-trailer': { schema: posFileTrailer, shape: posFileTrailer, consistency: none, description: 'POS file trailer line' },
  merchant: { schema: merchant, shape: merchant, consistency: none, description: 'merchant reference row' },
  store: { schema: store, shape: store, consistency: none, description: 'store reference row' },
  supplier: { schema: supplier, shape: supplier, consistency: none, description: 'supplier reference row' },
  'raw-material': { schema: rawMaterial, shape: rawMaterial, consistency: none, description: 'raw material reference row' },
  product: { schema: product, shape: product, consistency: none, description: 'product reference row' },
  promotion: { schema: promotion, shape: promotionShape, consistency: promotionConsistency, description: 'promotion reference row' },
} satisfies Record<string, RecordKind>;

export type RecordKindName = keyof typeof RECORD_KINDS;

export function isRecordKind(name: string): name is RecordKindName {
  return Object.prototype.hasOwnProperty.call(RECORD_KINDS, name);
}
