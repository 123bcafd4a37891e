// Notification messages as GCS publishes them (https://cloud.google.com/storage/docs/pubsub-notifications#attributes):
// attribute names, the notificationConfig path, event-type and prefix filters, payload formats.
import { messagesFor } from '../../../../emulators/storage/notifications';
import { type NotificationRecord, type ObjectRecord } from '../../../../emulators/storage/records';

const object: ObjectRecord = {
  bucket: 'landing',
  name: 'pos/store-1/w1.csv',
  generation: '1700000000000001',
  metageneration: '1',
  size: 3,
  md5Hash: 'x',
  crc32c: 'y',
  storageClass: 'STANDARD',
  timeCreated: '2024-01-01T00:00:00.000Z',
  updated: '2024-01-01T00:00:00.000Z',
  blob: 'k',
};

const config = (over: Partial<NotificationRecord>): NotificationRecord => ({
  id: '1',
  topic: 'projects/p/topics/t',
  payloadFormat: 'JSON_API_V1',
  etag: '1',
  ...over,
});

describe('messagesFor', () => {
  it('carries GCS attribute names and the object resource as data', () => {
    const [m] = messagesFor({ kind: 'finalize', object, overwroteGeneration: '5' }, [config({ customAttributes: { team: 'pos' } })], 'http://h:1');
    expect(m.topic).toBe('projects/p/topics/t');
    expect(m.attributes).toEqual({
      team: 'pos',
      notificationConfig: 'projects/_/buckets/landing/notificationConfigs/1',
      eventType: 'OBJECT_FINALIZE',
      payloadFormat: 'JSON_API_V1',
      bucketId: 'landing',
      objectId: 'pos/store-1/w1.csv',
      objectGeneration: '1700000000000001',
      eventTime: '2024-01-01T00:00:00.000Z',
      overwroteGeneration: '5',
    });
    const data = JSON.parse(m.data.toString()) as Record<string, unknown>;
    expect(data).toMatchObject({ kind: 'storage#object', name: object.name, bucket: 'landing', size: '3', generation: object.generation });
  });

  it('sends no data with payload format NONE', () => {
    const [m] = messagesFor({ kind: 'delete', object }, [config({ payloadFormat: 'NONE' })], 'http://h:1');
    expect(m.data.length).toBe(0);
    expect(m.attributes.eventType).toBe('OBJECT_DELETE');
  });

  it('filters on event types and object name prefix', () => {
    const configs = [
      config({ id: '1', eventTypes: ['OBJECT_DELETE'] }),
      config({ id: '2', objectNamePrefix: 'pos/' }),
      config({ id: '3', objectNamePrefix: 'archive/' }),
    ];
    const ids = messagesFor({ kind: 'metadataUpdate', object }, configs, 'http://h:1').map((m) => m.attributes.notificationConfig.split('/').pop());
    expect(ids).toEqual(['2']);
  });

  it('sends OBJECT_ARCHIVE for a version made noncurrent, with overwrittenByGeneration and timeDeleted in the payload', () => {
    const noncurrent = { ...object, timeDeleted: '2024-01-02T00:00:00.000Z' };
    const [m] = messagesFor({ kind: 'archive', object: noncurrent, overwrittenByGeneration: '1700000000000002' }, [config({})], 'http://h:1', new Date('2024-01-02T00:00:00.000Z'));
    expect(m.attributes).toMatchObject({ eventType: 'OBJECT_ARCHIVE', overwrittenByGeneration: '1700000000000002', eventTime: '2024-01-02T00:00:00.000Z' });
    expect(JSON.parse(m.data.toString())).toMatchObject({ timeDeleted: '2024-01-02T00:00:00.000Z' });
  });
});
