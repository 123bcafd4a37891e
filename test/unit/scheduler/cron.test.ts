// The scheduler steps the catalog's schedules with the one cron implementation (contracts/catalog/cron).
import { parseCron } from '../../../tools/scheduler';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('parseCron', () => {
  it('fires every 15 minutes on the quarter hour, strictly after the given time', () => {
    const cron = parseCron('*/15 * * * *');
    expect(iso(cron.nextAfter(at('2026-11-23T10:00:00Z')))).toBe('2026-11-23T10:15:00.000Z');
    expect(iso(cron.nextAfter(at('2026-11-23T10:07:30Z')))).toBe('2026-11-23T10:15:00.000Z');
    expect(iso(cron.nextAfter(at('2026-11-23T23:50:00Z')))).toBe('2026-11-24T00:00:00.000Z');
  });

  it('fires five minutes after each quarter hour for the Dataform schedule', () => {
    const cron = parseCron('5-59/15 * * * *');
    const times: string[] = [];
    let t = at('2026-11-23T10:00:00Z');
    for (let i = 0; i < 5; i++) times.push(iso((t = cron.nextAfter(t))).slice(11, 16));
    expect(times).toEqual(['10:05', '10:20', '10:35', '10:50', '11:05']);
  });

  it('honours the hour field and rolls over to the next day', () => {
    const cron = parseCron('30 2,14 * * *');
    expect(iso(cron.nextAfter(at('2026-11-23T03:00:00Z')))).toBe('2026-11-23T14:30:00.000Z');
    expect(iso(cron.nextAfter(at('2026-11-23T14:30:00Z')))).toBe('2026-11-24T02:30:00.000Z');
  });

  it('honours day-of-month, weekday and the job time zone as Cloud Scheduler does', () => {
    // Monday 2026-11-23; 09:00 in Paris is 08:00 UTC in winter.
    expect(iso(parseCron('0 9 * * MON', 'Europe/Paris').nextAfter(at('2026-11-23T08:30:00Z')))).toBe('2026-11-30T08:00:00.000Z');
    expect(iso(parseCron('0 0 1 * *').nextAfter(at('2026-11-23T00:00:00Z')))).toBe('2026-12-01T00:00:00.000Z');
    // unix-cron ORs day-of-month and weekday when both are restricted: the 1st, or any Sunday.
    expect(iso(parseCron('0 0 1 * 0').nextAfter(at('2026-11-23T00:00:00Z')))).toBe('2026-11-29T00:00:00.000Z');
  });

  it('refuses what Cloud Scheduler would refuse, naming it', () => {
    expect(() => parseCron('*/15 * * *')).toThrow(/5 fields/);
    expect(() => parseCron('61 * * * *')).toThrow(/minute: 61/);
    expect(() => parseCron('0 0 L * *')).toThrow(/not unix-cron/);
  });
});
