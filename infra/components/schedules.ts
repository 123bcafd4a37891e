// Schedules: a Cloud Scheduler job per catalog schedule that calls a function, with an OIDC token of
// the scheduler's service account. Dataform schedules are the Transform's workflow configurations.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformCatalog, ScheduleDecl } from '../../contracts/catalog';
import { PLATFORM_PRINCIPALS } from '../builders/names';
import { emailOf, type ServiceAccountEmails, type StackContext } from './context';
import type { DeployedService } from './services';

export interface SchedulesArgs {
  context: StackContext;
  catalog: PlatformCatalog;
  emails: ServiceAccountEmails;
  /** The deployed functions by name. */
  services: Readonly<Record<string, DeployedService>>;
}

/** Cloud Scheduler's longest attempt deadline for HTTP targets. */
const MAX_ATTEMPT_DEADLINE_SECONDS = 1800;

/**
 * Without the catalog's `retry`, none: the next window's run picks up what a failed run left, and no
 * retry can overlap it. With it (an idempotent target), the catalog's backoff; the catalog checks
 * that retries end before the next firing.
 */
export function retryConfigOf(s: ScheduleDecl): gcp.types.input.cloudscheduler.JobRetryConfig {
  if (!s.retry) return { retryCount: 0 };
  const r = s.retry;
  return { retryCount: r.count, minBackoffDuration: `${r.minBackoffSeconds}s`, maxBackoffDuration: `${r.maxBackoffSeconds}s`, maxRetryDuration: `${r.maxRetrySeconds}s` };
}

export class Schedules extends pulumi.ComponentResource {
  readonly jobs: Readonly<Record<string, gcp.cloudscheduler.Job>>;

  constructor(name: string, args: SchedulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pizzaflow:gcp:Schedules', name, {}, opts);
    const { project, region } = args.context;
    const jobs: Record<string, gcp.cloudscheduler.Job> = {};
    for (const s of args.catalog.schedules) {
      if (!('function' in s.target)) continue;
      const target = s.target;
      const service = args.services[target.function];
      const fn = args.catalog.functions.find((f) => f.name === target.function);
      if (!service || !fn) throw new Error(`schedule ${s.name}: function "${target.function}" is not deployed`);
      jobs[s.name] = new gcp.cloudscheduler.Job(
        `${name}-${s.name}`,
        {
          project,
          region,
          name: s.name,
          description: s.description,
          schedule: s.cron,
          timeZone: s.timeZone,
          attemptDeadline: `${Math.min(fn.timeoutSeconds, MAX_ATTEMPT_DEADLINE_SECONDS)}s`,
          retryConfig: retryConfigOf(s),
          httpTarget: {
            uri: pulumi.interpolate`${service.uri}${target.path}`,
            httpMethod: 'POST',
            oidcToken: { serviceAccountEmail: emailOf(args.emails, PLATFORM_PRINCIPALS.scheduler), audience: service.uri },
          },
        },
        { parent: this },
      );
    }
    this.jobs = jobs;
    this.registerOutputs({ jobs: Object.keys(jobs) });
  }
}
