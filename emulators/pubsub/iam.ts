// google.iam.v1.IAMPolicy on Pub/Sub resources (https://cloud.google.com/pubsub/docs/access-control):
// GetIamPolicy, SetIamPolicy and TestIamPermissions on topics, subscriptions, snapshots and schemas.
// Policies are kept and returned with an etag (a stale etag is ABORTED, as in IAM), but nothing is
// enforced: the emulator has no identities, so TestIamPermissions grants every Pub/Sub permission.
// In memory only: policies are not written to the state file.
import { status } from '@grpc/grpc-js';
import { ApiError, invalidArgument } from './errors';
import { parseName, type ResourceKind } from './names';

export interface Binding {
  role?: string;
  members?: string[];
  condition?: { expression?: string; title?: string; description?: string; location?: string } | null;
}

export interface Policy {
  version?: number;
  bindings?: Binding[];
  etag?: Buffer | Uint8Array | string;
}

const KINDS: ResourceKind[] = ['topics', 'subscriptions', 'snapshots', 'schemas'];
/** IAM principals (https://cloud.google.com/iam/docs/principal-identifiers), the forms Pub/Sub takes. */
const MEMBER = /^(allUsers|allAuthenticatedUsers|(user|serviceAccount|group|domain|principal|principalSet|deleted:user|deleted:serviceAccount|deleted:group):.+)$/;

interface Stored {
  version: number;
  bindings: Binding[];
  etag: Buffer;
}

export class IamPolicies {
  private readonly policies = new Map<string, Stored>();
  private counter = 0;

  /** `exists(kind, name)` tells whether the resource is there (NOT_FOUND otherwise). */
  constructor(private readonly exists: (kind: ResourceKind, name: string) => boolean) {}

  get(resource: string | undefined): Policy {
    const name = this.resource(resource);
    const p = this.policies.get(name);
    return p ? render(p) : { version: 0, bindings: [], etag: this.emptyEtag(name) };
  }

  set(resource: string | undefined, policy: Policy | null | undefined): Policy {
    const name = this.resource(resource);
    if (!policy) throw invalidArgument('The policy in the SetIamPolicyRequest must be set.');
    const current = this.policies.get(name);
    const given = policy.etag && Buffer.from(policy.etag as Uint8Array).length > 0 ? Buffer.from(policy.etag as Uint8Array) : undefined;
    const currentEtag = current?.etag ?? this.emptyEtag(name);
    if (given && !given.equals(currentEtag)) {
      throw new ApiError(status.ABORTED, 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.');
    }
    const bindings = (policy.bindings ?? []).map((b, i) => checkBinding(b, i));
    const version = policy.version ?? 0;
    if (![0, 1, 3].includes(version)) throw invalidArgument(`Invalid policy version ${version}: expected 1 or 3.`);
    if (bindings.some((b) => b.condition) && version !== 3) throw invalidArgument('A policy with conditional role bindings must be version 3.');
    const stored: Stored = { version, bindings, etag: Buffer.from(`pizzaflow-iam-${++this.counter}`) };
    this.policies.set(name, stored);
    return render(stored);
  }

  /** Every Pub/Sub permission asked for is granted: the emulator authorizes everything. */
  testPermissions(resource: string | undefined, permissions: string[] | undefined): { permissions: string[] } {
    this.resource(resource);
    const asked = permissions ?? [];
    for (const p of asked) {
      if (!/^[a-z]+\.[A-Za-z]+\.[A-Za-z]+$/.test(p)) throw invalidArgument(`Invalid permission: ${p}`);
    }
    return { permissions: asked.filter((p) => p.startsWith('pubsub.')) };
  }

  /** Forgets the policy of a deleted resource, so one created again under the name starts empty. */
  forget(name: string): void {
    this.policies.delete(name);
  }

  private resource(resource: string | undefined): string {
    const kind = KINDS.find((k) => (resource ?? '').split('/')[2] === k);
    if (!kind) throw invalidArgument(`Invalid resource for IAM: (resource=${resource ?? ''}); expected a topic, subscription, snapshot or schema.`);
    const ref = parseName(kind, resource);
    if (!this.exists(kind, ref.name)) throw new ApiError(status.NOT_FOUND, `Resource not found (resource=${ref.id}).`);
    return ref.name;
  }

  private emptyEtag(name: string): Buffer {
    return Buffer.from(`pizzaflow-iam-0-${name.length}`);
  }
}

function checkBinding(b: Binding, i: number): Binding {
  if (!b.role || !/^(roles|projects\/[^/]+\/roles|organizations\/[^/]+\/roles)\/[A-Za-z0-9_.]+$/.test(b.role)) {
    throw invalidArgument(`Invalid role in bindings[${i}]: ${b.role ?? '(none)'}`);
  }
  const members = b.members ?? [];
  for (const m of members) if (!MEMBER.test(m)) throw invalidArgument(`Invalid member in bindings[${i}]: ${m}`);
  return { role: b.role, members: [...members], ...(b.condition ? { condition: b.condition } : {}) };
}

function render(p: Stored): Policy {
  return { version: p.version, bindings: p.bindings.map((b) => ({ ...b, members: [...(b.members ?? [])] })), etag: p.etag };
}
