// Dataform schedules derived from the catalog: one workflow config per run mode, and a release
// compilation that lands before each scheduled incremental run.
import type { PlatformCatalog, ScheduleDecl } from '../../contracts/catalog';

export type DataformMode = 'incremental' | 'full-refresh';

export interface WorkflowPlan {
  mode: DataformMode;
  /** Absent: started on demand (console, API, `gcloud`), never by a schedule. */
  cron?: string;
  timeZone?: string;
  fullRefresh: boolean;
}

function scheduleFor(catalog: PlatformCatalog, mode: DataformMode): ScheduleDecl | undefined {
  return catalog.schedules.find((s) => 'dataform' in s.target && s.target.dataform === mode);
}

export function workflowPlans(catalog: PlatformCatalog): WorkflowPlan[] {
  return (['incremental', 'full-refresh'] as const).map((mode) => {
    const schedule = scheduleFor(catalog, mode);
    return { mode, fullRefresh: mode === 'full-refresh', ...(schedule ? { cron: schedule.cron, timeZone: schedule.timeZone } : {}) };
  });
}

/**
 * Compile the release on the schedule the incremental run follows (the POS loader's), so each run
 * uses a compilation at most one cycle old; hourly when the incremental run follows nothing.
 */
export function releaseCompilation(catalog: PlatformCatalog): { cron: string; timeZone: string } {
  const incremental = scheduleFor(catalog, 'incremental');
  const before = incremental?.after ? catalog.schedules.find((s) => s.name === incremental.after) : undefined;
  if (before) return { cron: before.cron, timeZone: before.timeZone };
  return { cron: '0 * * * *', timeZone: incremental?.timeZone ?? 'Etc/UTC' };
}
