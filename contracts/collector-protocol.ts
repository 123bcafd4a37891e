// The collector's HTTP protocol as producers see it: how many events a batch may hold, how a refused
// event is reported, and the headers of a signed delivery webhook (see signWebhook in
// functions/collector/signature.ts for the signature itself).

export const MAX_EVENTS_PER_BATCH = 1000;

export const SIGNATURE_HEADER = 'x-pizzaflow-signature';
export const TIMESTAMP_HEADER = 'x-pizzaflow-timestamp';

/** One refused event of a batch, as the collector's answer lists it. */
export interface EventError {
  index: number;
  event_id: string | null;
  field_path: string | null;
  reason: string;
  /** Set when the event's schema_version is not one the collector accepts (the reason lists those it does). */
  code?: 'unsupported_schema_version';
}
