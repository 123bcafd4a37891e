// Object Lifecycle Management (https://cloud.google.com/storage/docs/lifecycle): the checks on a
// bucket's `lifecycle` and the decision, for one object version at one instant, of what its rules
// do to it. Pure, so it is unit-tested; the store applies the decisions (object-store.ts).
import { invalid } from './errors';
import { type ObjectRecord } from './records';

export interface LifecycleCondition {
  age?: number;
  createdBefore?: string;
  customTimeBefore?: string;
  daysSinceCustomTime?: number;
  daysSinceNoncurrentTime?: number;
  isLive?: boolean;
  matchesPrefix?: string[];
  matchesSuffix?: string[];
  matchesStorageClass?: string[];
  noncurrentTimeBefore?: string;
  numNewerVersions?: number;
}

export interface LifecycleRule {
  action: { type: 'Delete' | 'SetStorageClass' | 'AbortIncompleteMultipartUpload'; storageClass?: string };
  condition: LifecycleCondition;
}

export type LifecycleAction = { type: 'Delete' } | { type: 'SetStorageClass'; storageClass: string };

/** What the rules see of one object version. */
export interface VersionState {
  object: ObjectRecord;
  live: boolean;
  /** Versions of the same name with a larger generation, the live one included. */
  newerVersions: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const INT_CONDITIONS = ['age', 'daysSinceCustomTime', 'daysSinceNoncurrentTime', 'numNewerVersions'] as const;
const DATE_CONDITIONS = ['createdBefore', 'customTimeBefore', 'noncurrentTimeBefore'] as const;
const LIST_CONDITIONS = ['matchesPrefix', 'matchesSuffix', 'matchesStorageClass'] as const;
const STORAGE_CLASSES = ['STANDARD', 'NEARLINE', 'COLDLINE', 'ARCHIVE', 'MULTI_REGIONAL', 'REGIONAL', 'DURABLE_REDUCED_AVAILABILITY'];

/** Colder classes rank higher; lifecycle only moves objects to a colder class. */
function coldness(storageClass: string): number {
  return ({ NEARLINE: 1, COLDLINE: 2, ARCHIVE: 3 } as Record<string, number>)[storageClass] ?? 0;
}

/** Checks a `lifecycle` value from buckets.insert/patch/update; 400 as GCS answers a bad rule. */
export function validateLifecycle(value: unknown): void {
  if (value === null) return;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid('Invalid value for lifecycle', 'lifecycle');
  const rules = (value as { rule?: unknown }).rule;
  if (rules === undefined || rules === null) return;
  if (!Array.isArray(rules)) throw invalid('Invalid value for lifecycle.rule: expected a list', 'lifecycle.rule');
  if (rules.length > 100) throw invalid('A bucket can have at most 100 lifecycle rules.', 'lifecycle.rule');
  rules.forEach((rule: unknown, i) => validateRule(rule, `lifecycle.rule[${i}]`));
}

function validateRule(rule: unknown, where: string): void {
  if (!rule || typeof rule !== 'object') throw invalid(`Invalid value for ${where}`, where);
  const { action, condition } = rule as { action?: Record<string, unknown>; condition?: Record<string, unknown> };
  if (!action || typeof action !== 'object') throw invalid(`${where}.action is required`, `${where}.action`);
  if (action.type === 'SetStorageClass') {
    if (typeof action.storageClass !== 'string' || !STORAGE_CLASSES.includes(action.storageClass.toUpperCase())) {
      throw invalid(`${where}.action.storageClass must be a storage class`, `${where}.action.storageClass`);
    }
    // GCS takes the class in any case ("coldline") and returns it upper-case.
    action.storageClass = action.storageClass.toUpperCase();
  } else if (action.type !== 'Delete' && action.type !== 'AbortIncompleteMultipartUpload') {
    throw invalid(`Invalid lifecycle action type: ${String(action.type)}`, `${where}.action.type`);
  }
  if (!condition || typeof condition !== 'object' || Object.keys(condition).length === 0) {
    throw invalid(`${where}.condition needs at least one condition`, `${where}.condition`);
  }
  for (const [key, v] of Object.entries(condition)) {
    const at = `${where}.condition.${key}`;
    if ((INT_CONDITIONS as readonly string[]).includes(key)) {
      if (!Number.isInteger(Number(v)) || Number(v) < 0 || typeof v === 'boolean') throw invalid(`${at} must be a non-negative integer`, at);
    } else if ((DATE_CONDITIONS as readonly string[]).includes(key)) {
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw invalid(`${at} must be a date (YYYY-MM-DD)`, at);
    } else if ((LIST_CONDITIONS as readonly string[]).includes(key)) {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalid(`${at} must be a list of strings`, at);
    } else if (key === 'isLive') {
      if (typeof v !== 'boolean') throw invalid(`${at} must be a boolean`, at);
    } else {
      // Terraform's and Pulumi's `withState` is not a JSON API field: it becomes isLive.
      throw invalid(`Unknown lifecycle condition: ${key}`, at);
    }
  }
}

/** The rules as stored on a bucket (already validated), or none. */
export function rulesOf(lifecycle: unknown): LifecycleRule[] {
  const rules = (lifecycle as { rule?: unknown } | undefined)?.rule;
  return Array.isArray(rules) ? (rules as LifecycleRule[]) : [];
}

/** True when every condition of the rule holds for this version at `now` (ms since the epoch). */
export function conditionsHold(c: LifecycleCondition, v: VersionState, now: number): boolean {
  const o = v.object;
  const created = Date.parse(o.timeCreated);
  const noncurrentSince = o.timeDeleted ? Date.parse(o.timeDeleted) : undefined;
  const custom = o.customTime ? Date.parse(o.customTime) : undefined;
  const checks: boolean[] = [];
  if (c.age !== undefined) checks.push(now - created >= Number(c.age) * DAY_MS);
  if (c.createdBefore !== undefined) checks.push(created < midnight(c.createdBefore));
  if (c.customTimeBefore !== undefined) checks.push(custom !== undefined && custom < midnight(c.customTimeBefore));
  if (c.daysSinceCustomTime !== undefined) checks.push(custom !== undefined && now - custom >= Number(c.daysSinceCustomTime) * DAY_MS);
  if (c.daysSinceNoncurrentTime !== undefined) {
    checks.push(!v.live && noncurrentSince !== undefined && now - noncurrentSince >= Number(c.daysSinceNoncurrentTime) * DAY_MS);
  }
  if (c.noncurrentTimeBefore !== undefined) checks.push(!v.live && noncurrentSince !== undefined && noncurrentSince < midnight(c.noncurrentTimeBefore));
  if (c.isLive !== undefined) checks.push(v.live === c.isLive);
  if (c.numNewerVersions !== undefined) checks.push(!v.live && v.newerVersions >= Number(c.numNewerVersions));
  if (c.matchesPrefix !== undefined) checks.push(c.matchesPrefix.some((p) => o.name.startsWith(p)));
  if (c.matchesSuffix !== undefined) checks.push(c.matchesSuffix.some((s) => o.name.endsWith(s)));
  if (c.matchesStorageClass !== undefined) checks.push(c.matchesStorageClass.includes(o.storageClass));
  return checks.length > 0 && checks.every(Boolean);
}

/**
 * The action the rules take on a version now, if any. Delete wins over SetStorageClass; among
 * SetStorageClass actions the coldest class wins; a class change only ever goes colder.
 */
export function decide(rules: readonly LifecycleRule[], v: VersionState, now: number): LifecycleAction | undefined {
  let target: string | undefined;
  for (const rule of rules) {
    if (!conditionsHold(rule.condition, v, now)) continue;
    if (rule.action.type === 'Delete') return { type: 'Delete' };
    if (rule.action.type === 'SetStorageClass' && rule.action.storageClass) {
      const to = rule.action.storageClass;
      if (coldness(to) > coldness(v.object.storageClass) && (target === undefined || coldness(to) > coldness(target))) target = to;
    }
  }
  return target === undefined ? undefined : { type: 'SetStorageClass', storageClass: target };
}

function midnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}
