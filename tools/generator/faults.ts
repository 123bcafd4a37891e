// Fault injection: what goes wrong on the way in, so the pipeline's rejection, de-duplication and
// quarantine paths have something to catch. Faults draw from their own PRNG streams and only add,
// copy, delay or damage lines and files: the real events, and so the truth, never change.
import type { PosFileHeader } from '../../contracts/pos';
import type { Prng } from './prng';
import { posFileText, posFileTrailerFor } from './pos-file';

export const ONLINE_FAULT_KINDS = ['malformed_json', 'schema_violation', 'duplicate_delivery', 'late_event', 'out_of_order_status'] as const;
export const POS_FAULT_KINDS = ['truncated_pos_file', 'corrupt_pos_file', 'reupload_identical_pos_file'] as const;
export const FAULT_KINDS = [...ONLINE_FAULT_KINDS, ...POS_FAULT_KINDS] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type OnlineFaultKind = (typeof ONLINE_FAULT_KINDS)[number];
export type PosFaultKind = (typeof POS_FAULT_KINDS)[number];
export type FaultFlow = 'online' | 'delivery' | 'pos';
export type ExpectedOutcome = 'rejected' | 'deduplicated' | 'accepted' | 'quarantined' | 'archived_duplicate';

export const EXPECTED_OUTCOME: Readonly<Record<FaultKind, ExpectedOutcome>> = {
  malformed_json: 'rejected',
  schema_violation: 'rejected',
  duplicate_delivery: 'deduplicated',
  late_event: 'accepted',
  out_of_order_status: 'accepted',
  truncated_pos_file: 'quarantined',
  corrupt_pos_file: 'quarantined',
  reupload_identical_pos_file: 'archived_duplicate',
};

export interface FaultRecord {
  kind: FaultKind;
  flow: FaultFlow;
  /** Path relative to the output directory. */
  file: string;
  /** 1-based line in `file` (online and delivery flows; a garbage POS body line). */
  line?: number;
  event_id?: string;
  /** Path the validator names, e.g. `lines[0].quantity`, `totals.total_cents`, `row_count`. */
  field?: string;
  expected_outcome: ExpectedOutcome;
  description: string;
}

/** A fault waiting for its file and line, known only when its arrival hour is written. */
export type PendingFault = Omit<FaultRecord, 'file' | 'line'>;

type Json = Record<string, unknown>;
interface Breakage {
  field: string;
  description: string;
  apply: (e: Json) => void;
}

const lines0 = (e: Json): Json[] => e.lines as Json[];
const COMMON: readonly Breakage[] = [
  { field: 'store_id', description: 'required field store_id missing', apply: (e) => delete e.store_id },
  { field: 'event_time', description: 'event_time is not an RFC 3339 timestamp', apply: (e) => (e.event_time = String(e.event_time).replace('T', ' ').replace(/\.\d+Z$/, '')) },
  { field: 'coupon_code', description: 'unknown field coupon_code', apply: (e) => (e.coupon_code = 'FREEPIZZA') },
  { field: 'merchant_id', description: 'merchant_id has the wrong type (number)', apply: (e) => (e.merchant_id = 1234) },
];
const PLACED: readonly Breakage[] = [
  { field: 'lines[0].quantity', description: 'negative quantity', apply: (e) => (lines0(e)[0]!.quantity = -1) },
  { field: 'lines[0].unit_price_cents', description: 'fractional cents', apply: (e) => (lines0(e)[0]!.unit_price_cents = Number(lines0(e)[0]!.unit_price_cents) + 0.5) },
  { field: 'totals.total_cents', description: 'total does not add up', apply: (e) => ((e.totals as Json).total_cents = Number((e.totals as Json).total_cents) + 100) },
  { field: 'channel', description: 'unknown channel enum value', apply: (e) => (e.channel = 'fax') },
  { field: 'customer.email', description: 'customer e-mail is not an address', apply: (e) => ((e.customer as Json).email = 'not-an-email') },
];
const UPDATED: readonly Breakage[] = [{ field: 'status', description: 'unknown order status', apply: (e) => (e.status = 'baking') }];
const DELIVERY: readonly Breakage[] = [
  { field: 'status', description: 'unknown delivery status', apply: (e) => (e.status = 'teleported') },
  { field: 'fee_cents', description: 'negative fee', apply: (e) => (e.fee_cents = -50) },
  { field: 'provider', description: 'unknown provider', apply: (e) => (e.provider = 'pigeonpost') },
  { field: 'order_id', description: 'required field order_id missing', apply: (e) => delete e.order_id },
];

/**
 * An extra copy of a real event with a new event_id and exactly one field broken.
 * Returns the broken payload and the path the contract will name.
 */
export function breakEvent(rng: Prng, flow: 'online' | 'delivery', event: object): { payload: Json; eventId: string; field: string; description: string } {
  const copy = structuredClone(event) as Json;
  const eventId = `${String(copy.event_id)}-bad`;
  copy.event_id = eventId;
  let options: readonly Breakage[] = COMMON;
  if (flow === 'delivery') options = [...COMMON, ...DELIVERY];
  else if (copy.event_type === 'order.placed') options = [...COMMON, ...PLACED];
  else if (copy.event_type === 'order.updated') options = [...COMMON, ...UPDATED];
  const b = rng.pick(options);
  b.apply(copy);
  return { payload: copy, eventId, field: b.field, description: `schema violation: ${b.description}` };
}

/** A line cut short: a strict prefix of a JSON object is never valid JSON. */
export function malformedLine(rng: Prng, text: string): string {
  return text.slice(0, rng.int(1, Math.max(1, text.length - 2)));
}

/** A gzip cut short somewhere in its body. */
export function truncateGzip(rng: Prng, bytes: Buffer): Buffer {
  return bytes.subarray(0, Math.max(1, Math.floor(bytes.length * rng.uniform(0.2, 0.9))));
}

/** A POS file whose trailer or body is damaged; the uncompressed text and what is wrong. */
export function corruptPosText(rng: Prng, header: PosFileHeader, body: readonly string[]): { text: string; field?: string; line?: number; description: string } {
  const trailer = posFileTrailerFor(body);
  const variant = rng.int(0, 2);
  if (variant === 0) {
    return { text: posFileText(header, body, { ...trailer, row_count: trailer.row_count + 1 }), field: 'row_count', description: 'trailer row_count is one more than the body lines' };
  }
  if (variant === 1) {
    const wrong = posFileTrailerFor([...body, 'tampered']).sha256;
    return { text: posFileText(header, body, { ...trailer, sha256: wrong }), field: 'sha256', description: 'trailer sha256 does not match the body' };
  }
  const at = rng.int(0, body.length);
  const damaged = [...body.slice(0, at), '{"record_type":"transaction","event_id":', ...body.slice(at)];
  // The trailer still describes the original body: row count and digest both disagree.
  return { text: posFileText(header, damaged, trailer), line: at + 2, description: 'a garbage (truncated JSON) body line' };
}
