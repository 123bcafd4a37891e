// Dataform schedules derived from the catalog: one workflow config per run mode, and a release
// compilation that lands before each scheduled incremental run.
import { minutesOf } from '../../contracts/catalog/cron';
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
 * Compile the release hourly, a few minutes before the hour's first incremental run: Dataform runs
 * release configurations at most once an hour (its minimum compilation frequency), and a compilation
 * only changes when the release branch does (`pizzaflow dataform publish`).
 */
export function releaseCompilation(catalog: PlatformCatalog): { cron: string; timeZone: string } {
  const incremental = scheduleFor(catalog, 'incremental');
  const firstMinute = incremental ? Math.min(...minutesOf(incremental.cron.split(/\s+/)[0]!)) : 5;
  return { cron: `${Math.max(0, firstMinute - 3)} * * * *`, timeZone: incremental?.timeZone ?? 'Etc/UTC' };
}
