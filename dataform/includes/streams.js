// The raw event streams, and the one union over them that touched_event_dates, partition_checks
// and assert_marts_are_fresh read (staging reads each stream on its own).

/** The raw event tables (dataset raw), one per stream, in the order every union lists them. */
const RAW_EVENT_STREAMS = ["online_order_events", "delivery_events", "pos_transactions", "inventory_movements"];

/**
 * `select <columns> from raw.<stream> where <where>` for every raw event stream, glued with
 * `union all`. `ref` is the calling model's ref() (which records the dependency); `columns` is the
 * select list (expressions, optionally `as` a name); `where` filters every stream alike. With
 * `labelled`, each row leads with a `stream` column naming the stream it comes from.
 */
function unionRawStreams(ref, { columns, where, labelled = false }) {
  return RAW_EVENT_STREAMS.map((stream) => {
    const list = labelled ? [`'${stream}' as stream`, ...columns] : columns;
    return `select ${list.join(", ")}\nfrom ${ref("raw", stream)}\nwhere ${where}`;
  }).join("\nunion all\n");
}

module.exports = {
  RAW_EVENT_STREAMS,
  unionRawStreams,
};
