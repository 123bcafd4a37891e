// Observability: an email notification channel, log-based metrics, and alert policies on the
// dead-letter backlog, the oldest unacked message, mart freshness and the functions' 5xx rate.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformCatalog } from '../../contracts/catalog';
import {
  cloudRunRequestFilter,
  dataformSuccessLogFilter,
  FUNCTION_5XX_RATIO,
  logMetricFilter,
  MART_FRESHNESS_SECONDS,
  OLDEST_UNACKED_SECONDS,
  rejectedEventsLogFilter,
  subscriptionMetricFilter,
} from '../builders/alerts';
import { DATAFORM_REPOSITORY } from '../builders/names';
import type { StackContext } from './context';

export interface ObservabilityArgs {
  context: StackContext;
  catalog: PlatformCatalog;
  alertEmail: string;
  /** Resources the policies watch, so they are created after them. */
  watched: pulumi.Input<pulumi.Resource>[];
}

export const LOG_METRICS = { dataformSuccess: 'pizzaflow/dataform_success', rejectedEvents: 'pizzaflow/rejected_events' } as const;

export class Observability extends pulumi.ComponentResource {
  readonly alertPolicies: Readonly<Record<string, gcp.monitoring.AlertPolicy>>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pizzaflow:gcp:Observability', name, {}, opts);
    const { project } = args.context;
    const channel = new gcp.monitoring.NotificationChannel(`${name}-email`, { project, type: 'email', displayName: 'pizzaflow on-call', labels: { email_address: args.alertEmail } }, { parent: this });
    const counter = { metricKind: 'DELTA', valueType: 'INT64', unit: '1' };
    const dataformSuccess = new gcp.logging.Metric(
      `${name}-dataform-success`,
      { project, name: LOG_METRICS.dataformSuccess, description: 'Successful Dataform workflow invocations', filter: dataformSuccessLogFilter(project, DATAFORM_REPOSITORY), metricDescriptor: counter },
      { parent: this },
    );
    const services = args.catalog.functions.map((f) => f.name);
    new gcp.logging.Metric(
      `${name}-rejected-events`,
      { project, name: LOG_METRICS.rejectedEvents, description: 'Events recorded in raw.rejected_events', filter: rejectedEventsLogFilter(services), metricDescriptor: counter },
      { parent: this },
    );

    const deadLetterTopics = new Set(args.catalog.subscriptions.flatMap((s) => (s.deadLetter ? [s.deadLetter.topic] : [])));
    const deadLetterSubscriptions = args.catalog.subscriptions.filter((s) => deadLetterTopics.has(s.topic)).map((s) => s.name);
    const pushSubscriptions = args.catalog.subscriptions.filter((s) => s.push).map((s) => s.name);
    const opts5 = { parent: this, dependsOn: args.watched };
    const policy = (key: string, displayName: string, documentation: string, conditions: gcp.types.input.monitoring.AlertPolicyCondition[], extra: pulumi.Resource[] = []) =>
      new gcp.monitoring.AlertPolicy(
        `${name}-${key}`,
        { project, displayName, combiner: 'OR', conditions, notificationChannels: [channel.id], documentation: { content: documentation, mimeType: 'text/markdown' } },
        { ...opts5, dependsOn: [...args.watched, ...extra] },
      );
    const aligned = (seconds: number, aligner: string, reducer?: string) => [{ alignmentPeriod: `${seconds}s`, perSeriesAligner: aligner, ...(reducer ? { crossSeriesReducer: reducer } : {}) }];

    this.alertPolicies = {
      deadLetterBacklog: policy('dead-letter-backlog', 'pizzaflow: dead-letter backlog', 'Messages exhausted their delivery attempts and wait in the dead-letter subscription: ingest is failing to record them in raw.rejected_events.', [
        {
          displayName: 'undelivered dead letters',
          conditionThreshold: { filter: subscriptionMetricFilter('num_undelivered_messages', deadLetterSubscriptions), comparison: 'COMPARISON_GT', thresholdValue: 0, duration: '600s', aggregations: aligned(60, 'ALIGN_MAX') },
        },
      ]),
      oldestUnacked: policy('oldest-unacked', 'pizzaflow: oldest unacked message', `A push subscription's oldest message is older than ${OLDEST_UNACKED_SECONDS / 60} minutes: ingest is down or throttled (R3).`, [
        {
          displayName: 'oldest unacked message age',
          conditionThreshold: { filter: subscriptionMetricFilter('oldest_unacked_message_age', pushSubscriptions), comparison: 'COMPARISON_GT', thresholdValue: OLDEST_UNACKED_SECONDS, duration: '300s', aggregations: aligned(60, 'ALIGN_MAX') },
        },
      ]),
      martFreshness: policy(
        'mart-freshness',
        'pizzaflow: marts stale',
        `No successful Dataform run for ${MART_FRESHNESS_SECONDS / 60} minutes: the marts are falling behind the one-hour budget (R3).`,
        [{ displayName: 'no successful Dataform run', conditionAbsent: { filter: logMetricFilter(LOG_METRICS.dataformSuccess, 'dataform.googleapis.com/Repository'), duration: `${MART_FRESHNESS_SECONDS}s`, aggregations: aligned(300, 'ALIGN_COUNT', 'REDUCE_SUM') } }],
        [dataformSuccess],
      ),
      function5xx: policy('function-5xx', 'pizzaflow: function 5xx rate', `More than ${FUNCTION_5XX_RATIO * 100}% of a function's requests answer 5xx.`, [
        {
          displayName: '5xx ratio',
          conditionThreshold: {
            filter: cloudRunRequestFilter(services, '5xx'),
            denominatorFilter: cloudRunRequestFilter(services),
            comparison: 'COMPARISON_GT',
            thresholdValue: FUNCTION_5XX_RATIO,
            duration: '300s',
            aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_RATE', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['resource.label.service_name'] }],
            denominatorAggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_RATE', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['resource.label.service_name'] }],
          },
        },
      ]),
    };
    this.registerOutputs({ notificationChannel: channel.id });
  }
}
