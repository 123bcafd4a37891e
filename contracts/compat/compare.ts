// The gate: compares the released snapshots with the current ones, subject by subject.
import { compareTables } from './bigquery-compare';
import { finding, type Finding } from './findings';
import { compareJsonSchemas } from './json-schema-compare';
import { renderSnapshot, subjectOf, type Snapshot } from './snapshot';

export interface CompatReport {
  /** Breaking findings first (by subject, then path), then the new subjects. */
  findings: Finding[];
  /** Subjects with at least one breaking finding. */
  broken: string[];
  /** Subjects without a released file (reported as `new-subject`, not failures). */
  added: string[];
  /** Subjects that differ from their released file without breaking it (a release records them). */
  changedCompatibly: string[];
  unchanged: string[];
}

export function compareSnapshots(released: readonly Snapshot[], current: readonly Snapshot[]): CompatReport {
  const before = new Map(released.map((s) => [subjectOf(s), s]));
  const after = new Map(current.map((s) => [subjectOf(s), s]));
  const breaking: Finding[] = [];
  const fresh: Finding[] = [];
  const report: CompatReport = { findings: [], broken: [], added: [], changedCompatibly: [], unchanged: [] };
  for (const subject of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const old = before.get(subject);
    const now = after.get(subject);
    if (!old) {
      fresh.push(finding(subject, '$', 'new-subject', `new ${now!.kind}, will be released`));
      report.added.push(subject);
      continue;
    }
    const found = compareSnapshot(subject, old, now);
    if (found.length > 0) {
      breaking.push(...found);
      report.broken.push(subject);
    } else if (renderSnapshot(old) !== renderSnapshot(now!)) {
      report.changedCompatibly.push(subject);
    } else {
      report.unchanged.push(subject);
    }
  }
  report.findings = [...breaking, ...fresh];
  return report;
}

/** Breaking findings for one subject; `current` undefined means it is gone. */
export function compareSnapshot(subject: string, released: Snapshot, current: Snapshot | undefined): Finding[] {
  if (!current) {
    return [finding(subject, '$', 'removed-field', `the ${released.kind} ${released.name} was removed`, `keep the ${released.kind} (described as deprecated) until nothing produces or reads it, then release its removal deliberately`)];
  }
  if (released.kind === 'contract' && current.kind === 'contract') return compareJsonSchemas(subject, released.jsonSchema, current.jsonSchema);
  if (released.kind === 'table' && current.kind === 'table') return compareTables(subject, released, current);
  return [finding(subject, '$', 'narrowed-type', `was a ${released.kind}, is now a ${current.kind}`)];
}
