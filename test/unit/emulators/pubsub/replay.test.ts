// Snapshot lifetime and seek outcomes, from the google.pubsub.v1 Subscriber proto (Snapshot.expire_time,
// CreateSnapshot, SeekRequest.time/snapshot) and https://cloud.google.com/pubsub/docs/replay-overview.
import { status } from '@grpc/grpc-js';
import { storeMessage, type StoredMessage } from '../../../../emulators/pubsub/message';
import { parseName } from '../../../../emulators/pubsub/names';
import {
  retainedMessages,
  seekToSnapshot,
  seekToTime,
  snapshotExpiry,
  updateSnapshot,
  type SnapshotState,
} from '../../../../emulators/pubsub/replay';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const now = 100 * DAY;
const msg = (id: number, publishTimeMs: number, attributes: Record<string, string> = {}): StoredMessage =>
  storeMessage(String(id), Buffer.from(`m${id}`), attributes, '', publishTimeMs);
const ids = (ms: StoredMessage[]): string[] => ms.map((m) => m.id);

function snapshot(messages: StoredMessage[]): SnapshotState {
  return {
    ref: parseName('snapshots', 'projects/p/snapshots/snap'),
    topic: 'projects/p/topics/t',
    expireTimeMs: now + DAY,
    labels: {},
    messages: new Map(messages.map((m) => [m.id, m])),
  };
}

describe('snapshot lifetime', () => {
  test('7 days from creation without a backlog', () => {
    expect(snapshotExpiry(undefined, now)).toBe(now + 7 * DAY);
  });

  test('7 days less the age of the oldest unacknowledged message', () => {
    expect(snapshotExpiry(now - 3 * DAY, now)).toBe(now + 4 * DAY);
  });

  test('FAILED_PRECONDITION when the snapshot would expire within an hour', () => {
    expect(() => snapshotExpiry(now - 7 * DAY + 59 * 60_000, now)).toThrow(expect.objectContaining({ code: status.FAILED_PRECONDITION }));
    expect(snapshotExpiry(now - 7 * DAY + HOUR, now)).toBe(now + HOUR);
  });
});

describe('seek', () => {
  const [a, b, c] = [msg(1, now - 2 * HOUR), msg(2, now - HOUR), msg(3, now)];

  test('to a time: published at or after it unacknowledged, before it acknowledged', () => {
    expect(seekToTime([a, b, c], now - HOUR)).toEqual({ unacked: [b, c], acked: [a] });
    expect(seekToTime([a, b, c], now + 1)).toEqual({ unacked: [], acked: [a, b, c] });
  });

  test('to a snapshot: its messages (the filter admits) unacknowledged, every other retained one acknowledged', () => {
    const outcome = seekToSnapshot([a, b, c], snapshot([c, b]), (m) => m.id !== '3');
    expect(ids(outcome.unacked)).toEqual(['2']);
    expect(ids(outcome.acked)).toEqual(['1']);
  });

  test('retained messages are merged once each, in publish order', () => {
    expect(ids(retainedMessages([c, a], [a, b], [c]))).toEqual(['1', '2', '3']);
  });
});

describe('UpdateSnapshot', () => {
  test('labels and a future expire_time; immutable and unknown fields refused', () => {
    const s = snapshot([]);
    updateSnapshot(s, { labels: { team: 'ops' }, expireTime: { seconds: (now + 2 * DAY) / 1000, nanos: 0 } }, ['labels', 'expireTime'], now);
    expect(s.labels).toEqual({ team: 'ops' });
    expect(s.expireTimeMs).toBe(now + 2 * DAY);
    const invalid = expect.objectContaining({ code: status.INVALID_ARGUMENT });
    expect(() => updateSnapshot(s, { expireTime: { seconds: now / 1000 - 1, nanos: 0 } }, ['expire_time'], now)).toThrow(invalid);
    expect(() => updateSnapshot(s, { topic: 'x' }, ['topic'], now)).toThrow(invalid);
    expect(() => updateSnapshot(s, {}, ['bogus'], now)).toThrow(invalid);
    expect(() => updateSnapshot(s, {}, [], now)).toThrow(invalid);
  });
});
