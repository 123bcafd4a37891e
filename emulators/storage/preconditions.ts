// Request preconditions (https://cloud.google.com/storage/docs/request-preconditions):
// ifGenerationMatch (0 = the object must not exist), ifGenerationNotMatch, ifMetagenerationMatch,
// ifMetagenerationNotMatch, and the ifSource* forms of rewrite/copy/move.
import { type GcsError, invalid, notModified, preconditionFailed } from './errors';

export interface Preconditions {
  ifGenerationMatch?: bigint;
  ifGenerationNotMatch?: bigint;
  ifMetagenerationMatch?: bigint;
  ifMetagenerationNotMatch?: bigint;
}

/** The current generation/metageneration, or undefined when the object does not exist. */
export interface Versions {
  generation: bigint;
  metageneration: bigint;
}

const NAMES = ['ifGenerationMatch', 'ifGenerationNotMatch', 'ifMetagenerationMatch', 'ifMetagenerationNotMatch'] as const;

/** Reads preconditions from the query; `prefix` is '' or 'ifSource' style ('Source'). */
export function readPreconditions(query: URLSearchParams, source = false): Preconditions {
  const out: Preconditions = {};
  for (const name of NAMES) {
    const param = source ? name.replace(/^if/, 'ifSource') : name;
    const raw = query.get(param);
    if (raw === null || raw === '') continue;
    if (!/^\d+$/.test(raw)) throw invalid(`Invalid value for ${param}: ${raw}`, param);
    out[name] = BigInt(raw);
  }
  return out;
}

/**
 * Checks preconditions against the current versions. Writes fail with 412; reads fail with 412
 * for *Match and 304 for *NotMatch, as GCS answers a conditional GET.
 */
export function checkPreconditions(p: Preconditions, current: Versions | undefined, mode: 'read' | 'write' = 'write'): void {
  const fail = (param: string, notMatch: boolean): GcsError => (notMatch && mode === 'read' ? notModified() : preconditionFailed(param));
  if (p.ifGenerationMatch !== undefined) {
    const ok = p.ifGenerationMatch === 0n ? current === undefined : current?.generation === p.ifGenerationMatch;
    if (!ok) throw fail('If-Match', false);
  }
  if (p.ifGenerationNotMatch !== undefined) {
    const ok = p.ifGenerationNotMatch === 0n ? current !== undefined : current?.generation !== p.ifGenerationNotMatch;
    if (!ok) throw fail('If-None-Match', true);
  }
  if (p.ifMetagenerationMatch !== undefined && current?.metageneration !== p.ifMetagenerationMatch) {
    throw fail('If-Metageneration-Match', false);
  }
  if (p.ifMetagenerationNotMatch !== undefined && current !== undefined && current.metageneration === p.ifMetagenerationNotMatch) {
    throw fail('If-Metageneration-Not-Match', true);
  }
}
