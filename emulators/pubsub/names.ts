// Resource names: `projects/{project}/{topics,subscriptions,snapshots,schemas}/{id}`,
// checked with Pub/Sub's rules (https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names).
import { invalidArgument } from './errors';

export type ResourceKind = 'topics' | 'subscriptions' | 'snapshots' | 'schemas';

export interface ResourceName {
  project: string;
  id: string;
  name: string;
}

/** Deleted topics show up in their subscriptions under this name. */
export const DELETED_TOPIC = '_deleted-topic_';

const ID = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
const PROJECT = /^[A-Za-z0-9][A-Za-z0-9\-_.:]*$/;

export function isValidId(id: string): boolean {
  return ID.test(id) && !id.toLowerCase().startsWith('goog');
}

export function parseName(kind: ResourceKind, name: string | undefined): ResourceName {
  const parts = (name ?? '').split('/');
  if (parts.length !== 4 || parts[0] !== 'projects' || parts[2] !== kind || !PROJECT.test(parts[1]!) || !isValidId(parts[3]!)) {
    throw invalidArgument(`Invalid [${kind}] name: (name=${name ?? ''})`);
  }
  return { project: parts[1]!, id: parts[3]!, name: name! };
}

export function parseProject(project: string | undefined): string {
  const m = /^projects\/([^/]+)$/.exec(project ?? '');
  if (!m || !PROJECT.test(m[1]!)) throw invalidArgument(`Invalid [projects] name: (name=${project ?? ''})`);
  return m[1]!;
}
