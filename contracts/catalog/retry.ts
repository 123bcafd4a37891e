// How long a push subscription keeps retrying before it dead-letters a message: Pub/Sub waits an
// exponentially growing delay between the retry policy's minimum and maximum backoff after each
// failed delivery ("Handle message failures"), up to max_delivery_attempts deliveries.

/** The outage a raw-ingest subscription must ride out before dead-lettering anything (BigQuery down). */
export const OUTAGE_BUDGET_SECONDS = 6 * 3600;

/** Seconds between the first delivery and the last, if every delivery fails (delays doubling from the minimum). */
export function retryWindowSeconds(policy: { minimumBackoffSeconds: number; maximumBackoffSeconds: number }, maxDeliveryAttempts: number): number {
  let total = 0;
  let delay = Math.max(policy.minimumBackoffSeconds, 1);
  for (let attempt = 1; attempt < maxDeliveryAttempts; attempt++) {
    total += Math.min(delay, policy.maximumBackoffSeconds);
    delay *= 2;
  }
  return total;
}
