// The local stand-in for Cloud Scheduler: the catalog's cron schedules on a real or accelerated clock.
export { acceleratedClock, realClock, type Clock } from './clock';
export { parseCron, type CronSchedule } from '../../contracts/catalog/cron';
export { startScheduler, type JobOutcome, type JobRun, type ScheduledJob, type Scheduler, type SchedulerEvent, type SchedulerOptions } from './scheduler';
