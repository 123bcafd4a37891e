// Fault injection on the online and delivery flows: which routed events get a fault, and whether
// the fault moves the real event (late, out of order) or adds a damaged or duplicate copy beside it.
import type { DeliveryEvent } from '../../contracts/delivery';
import type { OnlineOrderEvent } from '../../contracts/online-order';
import { HOUR_MS, MINUTE_MS } from './clock';
import { EXPECTED_OUTCOME, ONLINE_FAULT_KINDS, breakEvent, malformedLine, type FaultKind, type PendingFault } from './faults';
import { type Timed } from './orders';
import { type Prng } from './prng';

export type EventFlow = 'online' | 'delivery';

/** A line a fault adds to the flow, beside the real events. */
export interface FaultyLine {
  arrivalMs: number;
  text: string;
  meta: PendingFault;
}

export interface OnlineFaults {
  /** Each real event's arrival time, moved for late and out-of-order events. */
  arrivals: number[];
  /** Each real event's fault (late, out of order), or null. */
  realMeta: (PendingFault | null)[];
  /** Malformed, schema-breaking and duplicate copies. */
  extras: FaultyLine[];
}

const statusOf = (event: OnlineOrderEvent | DeliveryEvent): string => ('status' in event ? event.status : 'event_type' in event ? event.event_type : '');

/**
 * Draws faults for one order's events (`arrivals` and `texts` parallel to `events`) from the
 * store's fault stream at `rate`. The draws are the data set's: their order must not change.
 */
export function injectOnlineFaults(
  fr: Prng,
  rate: number,
  flow: EventFlow,
  events: readonly Timed<OnlineOrderEvent | DeliveryEvent>[],
  normalArrivals: readonly number[],
  texts: readonly string[],
): OnlineFaults {
  const arrivals = [...normalArrivals];
  const extras: FaultyLine[] = [];
  const realMeta: (PendingFault | null)[] = events.map(() => null);
  // Backwards, so an event sent out of order lands after its successor's final arrival.
  for (let i = events.length - 1; i >= 0; i--) {
    if (rate <= 0 || !fr.chance(rate)) continue;
    let kind: FaultKind = fr.pick(ONLINE_FAULT_KINDS);
    // The last event has no successor to arrive after.
    if (kind === 'out_of_order_status' && i === events.length - 1) kind = 'duplicate_delivery';
    const event = events[i]!.event;
    const base = { kind, flow, event_id: event.event_id, expected_outcome: EXPECTED_OUTCOME[kind] };
    const status = statusOf(event);
    if (kind === 'malformed_json') {
      extras.push({ arrivalMs: arrivals[i]! + fr.int(0, 30_000), text: malformedLine(fr, texts[i]!), meta: { ...base, description: `truncated copy of ${event.event_id}: not valid JSON` } });
    } else if (kind === 'schema_violation') {
      const broken = breakEvent(fr, flow, event);
      extras.push({ arrivalMs: arrivals[i]! + fr.int(0, 30_000), text: JSON.stringify(broken.payload), meta: { ...base, event_id: broken.eventId, field: broken.field, description: `${broken.description} (copy of ${event.event_id})` } });
    } else if (kind === 'duplicate_delivery') {
      extras.push({ arrivalMs: arrivals[i]! + fr.int(1_000, 600_000), text: texts[i]!, meta: { ...base, description: `${status} delivered a second time, same event_id` } });
    } else if (kind === 'late_event') {
      arrivals[i] = events[i]!.atMs + fr.int(HOUR_MS, 6 * HOUR_MS);
      realMeta[i] = { ...base, description: `${status} arrives ${Math.round((arrivals[i]! - events[i]!.atMs) / MINUTE_MS)} min after its event_time` };
    } else {
      const next = events[i + 1]!.event;
      arrivals[i] = arrivals[i + 1]! + fr.int(1_000, 60_000);
      realMeta[i] = { ...base, description: `${status} arrives after the later ${statusOf(next)} (${next.event_id})` };
    }
  }
  return { arrivals, realMeta, extras };
}
