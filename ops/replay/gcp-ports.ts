// The replay's ports on the official clients: rejected rows from BigQuery (a parameterised query on
// the rejected_at partitions), messages to Pub/Sub, the replay's record into ops.replays.
import type { BigQuery } from '@google-cloud/bigquery';
import type { PubSub } from '@google-cloud/pubsub';
import type { ReplayableRow, ReplayPorts } from './replay';

export function replayPorts(clients: { bigquery: BigQuery; pubsub: PubSub }, project: string): ReplayPorts {
  const table = (dataset: string, name: string) => `\`${project}.${dataset}.${name}\``;
  return {
    async selectRejected(filter) {
      const [rows] = await clients.bigquery.query({
        query: `select rejected_at, source, reason_code, event_id, message_id, subscription, to_json_string(attributes) as attributes, payload
          from ${table('raw', 'rejected_events')}
          where rejected_at >= timestamp(@from) and rejected_at < timestamp(@to)
            and reason_code in unnest(@reasons)
            and (array_length(@sources) = 0 or source in unnest(@sources))
          order by rejected_at`,
        params: { from: filter.from, to: filter.to, reasons: filter.reasons, sources: filter.sources },
        types: { reasons: ['STRING'], sources: ['STRING'] },
      });
      return (rows as Record<string, unknown>[]).map((r) => ({
        rejected_at: String((r.rejected_at as { value?: string } | undefined)?.value ?? r.rejected_at),
        source: r.source as ReplayableRow['source'],
        reason_code: r.reason_code as ReplayableRow['reason_code'],
        event_id: (r.event_id as string | null) ?? null,
        message_id: (r.message_id as string | null) ?? null,
        subscription: (r.subscription as string | null) ?? null,
        attributes: typeof r.attributes === 'string' ? (JSON.parse(r.attributes) as Record<string, string> | null) : null,
        payload: String(r.payload),
      }));
    },
    async publish(topic, data, attributes) {
      return clients.pubsub.topic(topic).publishMessage({ data, attributes });
    },
    async record(row) {
      await clients.bigquery.query({
        query: `insert into ${table('ops', 'replays')} (replayed_at, replay_id, dry_run, reason_codes, sources, rejected_from, rejected_to, selected, published, skipped)
          values (timestamp(@replayed_at), @replay_id, @dry_run, @reason_codes, @sources, timestamp(@rejected_from), timestamp(@rejected_to), @selected, @published, @skipped)`,
        params: { ...row },
        types: { reason_codes: ['STRING'], sources: ['STRING'] },
      });
    },
  };
}
