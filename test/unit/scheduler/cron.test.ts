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

  it('refuses what the local scheduler cannot honour, naming it', () => {
    expect(() => parseCron('*/15 * * *')).toThrow(/5 fields/);
    expect(() => parseCron('0 0 1 * *')).toThrow(/day, month and weekday must be \*/);
    expect(() => parseCron('*/15 * * * *', 'Europe/Paris')).toThrow(/UTC only/);
    expect(() => parseCron('61 * * * *')).toThrow(/outside 0-59/);
  });
});
