// Monitoring filters and thresholds for the alert policies and log-based metrics.
// Metric names: https://cloud.google.com/monitoring/api/metrics_gcp (pubsub, run).

/** R3: metrics at most one hour behind; the transform is alerted on well before that. */
export const MART_FRESHNESS_SECONDS = 45 * 60;
/** A push subscription whose oldest message waits longer than one transform cycle is falling behind. */
export const OLDEST_UNACKED_SECONDS = 15 * 60;
/** Share of 5xx answers above which a function is alerted on. */
export const FUNCTION_5XX_RATIO = 0.01;

const quote = (s: string) => JSON.stringify(s);

export function subscriptionMetricFilter(metric: string, subscriptions: readonly string[]): string {
  return `resource.type = "pubsub_subscription" AND metric.type = "pubsub.googleapis.com/subscription/${metric}" AND resource.label.subscription_id = one_of(${subscriptions.map(quote).join(', ')})`;
}

export function cloudRunRequestFilter(services: readonly string[], responseCodeClass?: '5xx'): string {
  const parts = [
    'resource.type = "cloud_run_revision"',
    'metric.type = "run.googleapis.com/request_count"',
    `resource.label.service_name = one_of(${services.map(quote).join(', ')})`,
  ];
  if (responseCodeClass) parts.push(`metric.label.response_code_class = "${responseCodeClass}"`);
  return parts.join(' AND ');
}

/** Log filter of a successful Dataform workflow invocation (the transform finished, marts fresh). */
export function dataformSuccessLogFilter(project: string, repository: string): string {
  return [
    'resource.type = "dataform.googleapis.com/Repository"',
    `resource.labels.repository_id = ${quote(repository)}`,
    `logName = ${quote(`projects/${project}/logs/dataform.googleapis.com%2Fworkflow_invocation_completion`)}`,
    'jsonPayload.terminalState = "SUCCEEDED"',
  ].join(' AND ');
}

/** Log filter of events the ingest path rejected (R6: each lands in raw.rejected_events). */
export function rejectedEventsLogFilter(services: readonly string[]): string {
  return [
    'resource.type = "cloud_run_revision"',
    `resource.labels.service_name = one_of(${services.map(quote).join(', ')})`,
    'jsonPayload.message = "event rejected"',
  ].join(' AND ');
}

/** Monitoring filter over a user-defined log-based metric. */
export function logMetricFilter(metricName: string, resourceType: string): string {
  return `resource.type = ${quote(resourceType)} AND metric.type = ${quote(`logging.googleapis.com/user/${metricName}`)}`;
}
