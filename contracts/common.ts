// Building blocks shared by every contract: identifiers, times, money. Money is always an integer
// number of minor units (cents); a float never carries money.
import { z } from 'zod';

/** The contract version every payload carries; bump it for a breaking change. */
export const SCHEMA_VERSION = 1 as const;
export const schemaVersion = z.literal(SCHEMA_VERSION).describe('Contract version of this record');

const idPattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const idMessage = 'expected 1-64 characters: letters, digits, _ . : - (starting with a letter or digit)';
export const identifier = (what: string) => z.string().regex(idPattern, idMessage).describe(what);

export const eventId = identifier('Globally unique id of the event, set by the producer; staging de-duplicates on it');
export const merchantId = identifier('Merchant (franchise account) that owns the store');
export const storeId = identifier('Store where the event happened');
export const orderId = identifier('Order id, unique within the chain; the Pub/Sub ordering key');
export const sku = identifier('Product SKU');
export const materialId = identifier('Raw material or resale good id');

/** BigQuery's TIMESTAMP and DATE range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z (UTC). */
export const BIGQUERY_MIN_TIME_MS = -62135596800000;
export const BIGQUERY_MAX_TIME_MS = 253402300799999;
/** The refinements below, exported so the hot-path validator (fast-validator.ts) applies them too. */
export const inBigQueryRange = (text: string): boolean => {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= BIGQUERY_MIN_TIME_MS && ms <= BIGQUERY_MAX_TIME_MS;
};
export const TIMESTAMP_RANGE_MESSAGE = 'expected a time between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (BigQuery\'s range, after applying the offset)';
export const inBigQueryDateRange = (text: string): boolean => !text.startsWith('0000-');
export const DATE_RANGE_MESSAGE = 'expected a date between 0001-01-01 and 9999-12-31 (BigQuery\'s range)';

/**
 * RFC 3339 timestamp with an explicit zone (Z or an offset), inside BigQuery's range once converted
 * to UTC (year 0000, or 9999-12-31T23:30:00-01:00, would make a whole load job fail). BigQuery type: TIMESTAMP.
 */
export const timestamp = (what: string) => z.iso.datetime({ offset: true }).refine(inBigQueryRange, TIMESTAMP_RANGE_MESSAGE).describe(what);
export const eventTime = timestamp('When the event happened at the source (not when pizzaflow received it)');

/** Calendar date YYYY-MM-DD. BigQuery type: DATE. */
export const calendarDate = (what: string) =>
  z.iso
    .date()
    .refine(inBigQueryDateRange, DATE_RANGE_MESSAGE)
    .describe(what);

const MAX_CENTS = 1_000_000_000; // ten million in major units: far above any single order
export const cents = (what: string) => z.int().min(0).max(MAX_CENTS).describe(`${what}, integer minor units`);
export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as USD')
  .describe('ISO 4217 currency code');

export const quantity = (what: string) => z.int().min(1).max(100_000).describe(what);

/** Marks a field as personal data: the collector publishes its pseudonym token, never the value (R7). */
export const PII_META = { pii: true } as const;

/**
 * A pseudonym token as `contracts/pii.ts` makes it: `pii1_` and the 64 hex digits of a keyed
 * HMAC-SHA256 of the normalised value. A regular expression's source, without anchors.
 */
export const PSEUDONYM_TOKEN_SOURCE = 'pii1_[0-9a-f]{64}';

const unanchored = (source: string): string => source.replace(/^\^/, '').replace(/\$$/, '');

/**
 * A personal-data string: a plain value matching `plain`, or its pseudonym token. The collector
 * replaces the value with the token before publishing, and ingest validates what the collector
 * published, so one contract takes both. One string with one alternation pattern, not a union: the
 * JSON Schema stays `{ type: string, pattern }`, which derives one BigQuery STRING column and which
 * ajv (contracts/fast-validator.ts) checks exactly as zod does.
 */
export const piiString = (plain: RegExp, message: string) =>
  z
    .string()
    .regex(new RegExp(`^(?:${PSEUDONYM_TOKEN_SOURCE}|(?:${unanchored(plain.source)}))$`), message)
    .meta(PII_META);

export const orderLine = z.strictObject({
  line_id: z.int().min(1).max(1000).describe('Position of the line in the order, from 1'),
  sku,
  quantity: quantity('Units sold'),
  unit_price_cents: cents('List price of one unit'),
  discount_cents: cents('Discount on the whole line'),
  promotion_id: identifier('Promotion that applies to this line').nullable(),
});
export type OrderLine = z.infer<typeof orderLine>;

export const paymentMethod = z.enum(['card', 'cash', 'wallet', 'voucher']).describe('Payment method');

/** Fields every event carries, first in every event contract (and so first in every raw table). */
export const eventEnvelope = {
  schema_version: schemaVersion,
  event_id: eventId,
  event_time: eventTime,
  merchant_id: merchantId,
  store_id: storeId,
};
