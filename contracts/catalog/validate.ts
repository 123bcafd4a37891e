// Validation of the platform catalog: every reference resolves and every name is legal for GCP.
// Problems are collected, not thrown one at a time, so a broken catalog shows everything at once.
import { findField, type BigQueryField } from '../bigquery-schema';
import { cronProblem, minutesOf } from './cron';
import { OUTAGE_BUDGET_SECONDS, retryWindowSeconds } from './retry';
import { bucketName } from './names';
import type { PlatformCatalog, ScheduleDecl } from './types';

export interface CatalogProblem {
  /** What the problem is about, e.g. `subscription online-orders-ingest`. */
  where: string;
  message: string;
}

export class CatalogError extends Error {
  constructor(readonly problems: CatalogProblem[]) {
    super(`invalid platform catalog:\n${problems.map((p) => `  - ${p.where}: ${p.message}`).join('\n')}`);
    this.name = 'CatalogError';
  }
}

/** Longest project id GCP allows: physical bucket names must fit with it. */
const LONGEST_PROJECT_ID = 'p'.repeat(30);

// Pub/Sub resource names: https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names
const PUBSUB_NAME = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
// Bucket names: https://cloud.google.com/storage/docs/buckets#naming
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
// Dataset and table ids (we allow the portable subset: letters, digits, underscore).
const BIGQUERY_ID = /^[A-Za-z_][A-Za-z0-9_]{0,1023}$/;
// Cloud Run service names: lowercase letters, digits, hyphens; start with a letter; at most 49.
const SERVICE_NAME = /^[a-z](?:[-a-z0-9]{0,47}[a-z0-9])?$/;
// Cloud Scheduler job ids.
const JOB_NAME = /^[A-Za-z0-9_-]{1,500}$/;
const CLUSTERABLE = new Set(['STRING', 'INT64', 'NUMERIC', 'BOOL', 'DATE', 'TIMESTAMP']);

export function validateCatalog(catalog: PlatformCatalog): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const report = (where: string, message: string) => problems.push({ where, message });

  const topics = uniqueNames(catalog.topics.map((t) => t.name), 'topic', report);
  const functions = uniqueNames(catalog.functions.map((f) => f.name), 'function', report);
  const secrets = uniqueNames(catalog.secrets.map((s) => s.name), 'secret', report);
  uniqueNames(catalog.secrets.map((s) => s.env), 'secret variable', report);
  const buckets = uniqueNames(catalog.buckets.map((b) => b.name), 'bucket', report);
  const datasets = uniqueNames(catalog.datasets.map((d) => d.id), 'dataset', report);
  const schedules = uniqueNames(catalog.schedules.map((s) => s.name), 'schedule', report);
  uniqueNames(catalog.subscriptions.map((s) => s.name), 'subscription', report);
  const tables = uniqueNames(catalog.tables.map((t) => `${t.dataset}.${t.name}`), 'table', report);

  for (const t of catalog.topics) {
    checkPubSubName(`topic ${t.name}`, t.name, report);
    if (t.messageRetentionSeconds < 600 || t.messageRetentionSeconds > 31 * 86400) report(`topic ${t.name}`, 'message retention must be between 10 minutes and 31 days');
  }

  for (const s of catalog.subscriptions) {
    const where = `subscription ${s.name}`;
    checkPubSubName(where, s.name, report);
    if (!topics.has(s.topic)) report(where, `topic "${s.topic}" is not declared`);
    if (s.push && !functions.has(s.push.function)) report(where, `push target function "${s.push.function}" is not declared`);
    if (s.deadLetter && retryWindowSeconds(s.retryPolicy, s.deadLetter.maxDeliveryAttempts) < OUTAGE_BUDGET_SECONDS) {
      const hours = (retryWindowSeconds(s.retryPolicy, s.deadLetter.maxDeliveryAttempts) / 3600).toFixed(1);
      report(where, `retries for only ${hours} h before dead-lettering; an outage of ${OUTAGE_BUDGET_SECONDS / 3600} h must lose nothing (raise maxDeliveryAttempts or the backoff)`);
    }
    if (s.push && !s.push.path.startsWith('/')) report(where, `push path "${s.push.path}" must start with /`);
    if (s.ackDeadlineSeconds < 10 || s.ackDeadlineSeconds > 600) report(where, 'ack deadline must be 10-600 seconds');
    if (s.messageRetentionSeconds < 600 || s.messageRetentionSeconds > 7 * 86400) report(where, 'message retention must be between 10 minutes and 7 days');
    const { minimumBackoffSeconds: min, maximumBackoffSeconds: max } = s.retryPolicy;
    if (min < 0 || max > 600 || min > max) report(where, `retry backoff ${min}s-${max}s must satisfy 0 <= minimum <= maximum <= 600`);
    if (s.deadLetter) {
      if (!topics.has(s.deadLetter.topic)) report(where, `dead-letter topic "${s.deadLetter.topic}" is not declared`);
      if (s.deadLetter.topic === s.topic) report(where, 'dead-letter topic must differ from the subscription topic');
      const n = s.deadLetter.maxDeliveryAttempts;
      if (!Number.isInteger(n) || n < 5 || n > 100) report(where, `max delivery attempts ${n} must be 5-100`);
    }
  }

  for (const b of catalog.buckets) {
    const where = `bucket ${b.name}`;
    const physical = bucketName(LONGEST_PROJECT_ID, b.name);
    if (!BUCKET_NAME.test(physical) || physical.startsWith('goog') || physical.includes('google') || physical.includes('..')) {
      report(where, `"${physical}" (with the longest project id) is not a legal bucket name: 3-63 of a-z 0-9 - _ ., no "goog" prefix or "google"`);
    }
    for (const n of b.notifications) if (!topics.has(n.topic)) report(where, `notification topic "${n.topic}" is not declared`);
    for (const rule of b.lifecycle) if (!Number.isInteger(rule.ageDays) || rule.ageDays < 0) report(where, `lifecycle age ${rule.ageDays} must be a non-negative integer`);
  }

  for (const d of catalog.datasets) if (!BIGQUERY_ID.test(d.id)) report(`dataset ${d.id}`, 'not a legal dataset id (letters, digits, underscore)');

  for (const t of catalog.tables) {
    const where = `table ${t.dataset}.${t.name}`;
    if (!datasets.has(t.dataset)) report(where, `dataset "${t.dataset}" is not declared`);
    if (!BIGQUERY_ID.test(t.name)) report(where, 'not a legal table id (letters, digits, underscore)');
    if (t.schema.length === 0) report(where, 'has no columns');
    checkPartitioning(where, t.schema, t.partitioning, report);
    checkClustering(where, t.schema, t.clustering, report);
  }

  for (const f of catalog.functions) {
    const where = `function ${f.name}`;
    if (!SERVICE_NAME.test(f.name)) report(where, 'not a legal Cloud Run service name (lowercase, digits, hyphens, at most 49)');
    if (f.concurrency < 1 || f.concurrency > 1000) report(where, 'concurrency must be 1-1000');
    if (f.minInstances < 0 || f.minInstances > f.maxInstances) report(where, 'instances must satisfy 0 <= min <= max');
    if (f.timeoutSeconds < 1 || f.timeoutSeconds > 3600) report(where, 'timeout must be 1-3600 seconds');
    for (const topic of f.access.publishes) if (!topics.has(topic)) report(where, `publishes to undeclared topic "${topic}"`);
    for (const ref of [...f.access.writesTables, ...f.access.readsTables]) if (!tables.has(ref)) report(where, `uses undeclared table "${ref}" (expected dataset.table)`);
    for (const bucket of [...f.access.readsBuckets, ...f.access.writesBuckets]) if (!buckets.has(bucket)) report(where, `uses undeclared bucket "${bucket}"`);
    for (const dataset of f.access.readsDatasets) if (!datasets.has(dataset)) report(where, `reads undeclared dataset "${dataset}"`);
    for (const secret of f.secrets) if (!secrets.has(secret)) report(where, `reads undeclared secret "${secret}"`);
  }

  for (const s of catalog.schedules) checkSchedule(s, catalog.schedules, functions, schedules, report);
  return problems;
}

/** Validates and returns the catalog, or throws a CatalogError listing every problem. */
export function assertValidCatalog<T extends PlatformCatalog>(catalog: T): T {
  const problems = validateCatalog(catalog);
  if (problems.length > 0) throw new CatalogError(problems);
  return catalog;
}

type Report = (where: string, message: string) => void;

function uniqueNames(names: string[], kind: string, report: Report): Set<string> {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) report(`${kind} ${name}`, `declared more than once`);
    seen.add(name);
  }
  return seen;
}

function checkPubSubName(where: string, name: string, report: Report): void {
  if (!PUBSUB_NAME.test(name)) report(where, 'not a legal Pub/Sub name: 3-255 chars, letter first, then letters, digits, - _ . ~ + %');
  if (name.toLowerCase().startsWith('goog')) report(where, 'Pub/Sub names must not start with "goog"');
}

function checkPartitioning(where: string, schema: BigQueryField[], p: { field: string; expirationDays?: number } | undefined, report: Report): void {
  if (!p) return;
  const field = findField(schema, p.field);
  if (!field || p.field.includes('.')) report(where, `partition column "${p.field}" is not a top-level column`);
  else if (field.type !== 'TIMESTAMP' && field.type !== 'DATE') report(where, `partition column "${p.field}" is ${field.type}; expected TIMESTAMP or DATE`);
  else if (field.mode === 'REPEATED') report(where, `partition column "${p.field}" is repeated`);
  if (p.expirationDays !== undefined && !(p.expirationDays >= 1)) report(where, 'partition expiration must be at least one day');
}

function checkClustering(where: string, schema: BigQueryField[], clustering: string[], report: Report): void {
  if (clustering.length > 4) report(where, `clustering has ${clustering.length} columns; BigQuery allows 4`);
  for (const name of clustering) {
    const field = schema.find((f) => f.name === name);
    if (!field) report(where, `clustering column "${name}" is not a top-level column`);
    else if (field.mode === 'REPEATED' || !CLUSTERABLE.has(field.type)) report(where, `clustering column "${name}" is ${field.mode} ${field.type}, which cannot be clustered`);
  }
}

function checkSchedule(s: ScheduleDecl, all: ScheduleDecl[], functions: Set<string>, schedules: Set<string>, report: Report): void {
  const where = `schedule ${s.name}`;
  if (!JOB_NAME.test(s.name)) report(where, 'not a legal Cloud Scheduler job id');
  const problem = cronProblem(s.cron);
  if (problem) report(where, `cron "${s.cron}": ${problem}`);
  if ('function' in s.target && !functions.has(s.target.function)) report(where, `target function "${s.target.function}" is not declared`);
  if (s.retry) checkRetry(where, s, problem === undefined, report);
  if (!s.after) return;
  const before = all.find((o) => o.name === s.after);
  if (!schedules.has(s.after) || !before) return report(where, `runs after undeclared schedule "${s.after}"`);
  if (problem || cronProblem(before.cron)) return;
  // "after" is kept by cron offsets: every run must have a run of the other schedule before it in the same hour.
  const mine = minutesOf(s.cron.split(/\s+/)[0]!);
  const theirs = minutesOf(before.cron.split(/\s+/)[0]!);
  if (mine.length !== theirs.length || mine.some((m, i) => m <= theirs[i]!)) {
    report(where, `its minutes ${mine.join(',')} do not each follow a run of "${s.after}" (${theirs.join(',')})`);
  }
}


/** Cloud Scheduler's retry limits; retries must be over before the job fires again. */
function checkRetry(where: string, s: ScheduleDecl, cronOk: boolean, report: Report): void {
  const r = s.retry!;
  if (!('function' in s.target)) report(where, 'only a function target can be retried (Dataform schedules are workflow configurations)');
  if (!Number.isInteger(r.count) || r.count < 0 || r.count > 5) report(where, `retry count ${r.count} must be an integer 0-5`);
  if (r.minBackoffSeconds < 0 || r.minBackoffSeconds > r.maxBackoffSeconds || r.maxBackoffSeconds > 3600) report(where, `retry backoff ${r.minBackoffSeconds}s-${r.maxBackoffSeconds}s must satisfy 0 <= minimum <= maximum <= 3600`);
  if (!cronOk) return;
  const minutes = minutesOf(s.cron.split(/\s+/)[0]!);
  // The shortest gap between two firings, the hour's wrap included.
  const gapSeconds = 60 * Math.min(...minutes.map((m, i) => (minutes[i + 1] ?? minutes[0]! + 60) - m));
  if (!(r.maxRetrySeconds >= 0) || r.maxRetrySeconds >= gapSeconds) report(where, `retries may run ${r.maxRetrySeconds}s, into the next firing ${gapSeconds}s later`);
}
