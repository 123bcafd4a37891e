// What Cloud Run decides before a request reaches a function, applied by the local functions host:
// a service whose invokers include `allUsers` takes anyone (the function checks its own
// credentials); any other needs `Authorization: Bearer <OIDC token>` whose audience is the service's
// URL and whose service account holds roles/run.invoker on it in the program's IAM. A push from a
// subscription whose identity lacks the grant gets 403, so Pub/Sub retries it and, in the end,
// dead-letters it — as in Google Cloud.
import type { KeyObject } from 'node:crypto';
import { verifyPushToken } from '@pizzaflow/emulators';
import type { LocalFunction } from './apply-program';
import type { RenderedProgram } from './render-program';

const INVOKER_ROLE = 'roles/run.invoker';

export interface ServiceAccess {
  name: string;
  /** The audience a token must carry: the service's URL. */
  audience: string;
  /** `allUsers` holds the invoker role: Cloud Run lets every request through. */
  public: boolean;
  /** IAM members (`serviceAccount:…`) holding the invoker role on the service. */
  invokers: ReadonlySet<string>;
}

export type Verdict = { ok: true; caller?: string } | { ok: false; status: 401 | 403; reason: string };

/** Each declared function's invokers, from the program's Cloud Run IAM members. */
export function accessFromProgram(program: RenderedProgram, functions: Readonly<Record<string, LocalFunction>>): Record<string, ServiceAccess> {
  const out: Record<string, ServiceAccess> = {};
  for (const f of Object.values(functions)) {
    const members = program
      .ofType('gcp:cloudrunv2/serviceIamMember:ServiceIamMember')
      .filter((m) => m.inputs.name === f.name && m.inputs.role === INVOKER_ROLE)
      .map((m) => String(m.inputs.member));
    out[f.name] = { name: f.name, audience: f.url, public: members.includes('allUsers'), invokers: new Set(members.filter((m) => m !== 'allUsers')) };
  }
  return out;
}

/** The decision for one request to `access`'s service, with the keys that sign trusted tokens. */
export function checkInvocation(access: ServiceAccess, authorization: string | undefined, trustedKeys: readonly (string | KeyObject)[]): Verdict {
  if (access.public) return { ok: true };
  if (!authorization || !/^Bearer\s+\S+/i.test(authorization)) return { ok: false, status: 401, reason: `${access.name} requires an OIDC token (Authorization: Bearer …)` };
  let email: string | undefined;
  let last = 'no trusted key';
  for (const publicKey of trustedKeys) {
    try {
      email = verifyPushToken(authorization, { audience: access.audience, publicKey }).email;
      break;
    } catch (e) {
      last = (e as Error).message;
    }
  }
  if (email === undefined) return { ok: false, status: 401, reason: `${access.name}: token refused (${last})` };
  if (!access.invokers.has(`serviceAccount:${email}`)) return { ok: false, status: 403, reason: `${email} does not hold ${INVOKER_ROLE} on ${access.name}` };
  return { ok: true, caller: email };
}

/** The host's check for every declared function; requests to anything undeclared are refused. */
export function accessCheck(program: RenderedProgram, functions: Readonly<Record<string, LocalFunction>>, trustedKeys: readonly (string | KeyObject)[]): (name: string, authorization: string | undefined) => Verdict {
  const access = accessFromProgram(program, functions);
  return (name, authorization) => {
    const a = access[name];
    if (!a) return { ok: false, status: 403, reason: `${name} is not a service of the program` };
    return checkInvocation(a, authorization, trustedKeys);
  };
}

/** The Authorization header Cloud Scheduler sends for the program's job `schedule` (its OIDC identity and audience). */
export function schedulerAuthorization(program: RenderedProgram, schedule: string, sign: (claims: { audience: string; email: string }) => string): string | undefined {
  const job = program.ofType('gcp:cloudscheduler/job:Job').find((j) => j.inputs.name === schedule);
  const oidc = (job?.inputs.httpTarget as { oidcToken?: { serviceAccountEmail: string; audience?: string }; uri?: string } | undefined)?.oidcToken;
  if (!job || !oidc) return undefined;
  const uri = String((job.inputs.httpTarget as { uri?: string }).uri ?? '');
  return `Bearer ${sign({ audience: oidc.audience ?? uri, email: oidc.serviceAccountEmail })}`;
}
