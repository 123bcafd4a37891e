// Wire-level checks the official client does not make visible: the JSON error envelope, the
// resumable protocol's 308/Range and status query, 499 on cancel, 501 for what is not emulated,
// malformed requests never taking the server down, and objects surviving a restart on disk.
// Sources: https://cloud.google.com/storage/docs/json_api/v1/status-codes and
// https://cloud.google.com/storage/docs/performing-resumable-uploads.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, get } from 'node:http';
import path from 'node:path';
import { startStorage as start, type StorageEmulator } from '@pizzaflow/emulators';

describe('Cloud Storage emulator wire protocol', () => {
  let emu: StorageEmulator;
  let dataDir: string;
  const bucket = 'wire';

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gcs-wire-'));
    emu = await start({ port: 0, dataDir, logLevel: 'fatal', pubsubHost: 'localhost:1' });
    const res = await fetch(`${emu.url}/storage/v1/b?project=p`, { method: 'POST', body: JSON.stringify({ name: bucket }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await emu?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps an idle kept-alive connection open past the 5 s after which Node clients drop theirs, so a client never reuses a socket the server is closing', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, timeout: 60_000 });
    const ask = (): Promise<{ status: number; reused: boolean }> =>
      new Promise((resolve, reject) => {
        const req = get(`${emu.url}/storage/v1/b/${bucket}`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
      });
    try {
      expect(await ask()).toEqual({ status: 200, reused: false });
      await new Promise((r) => setTimeout(r, 5_500)); // past Node's default server keepAliveTimeout (5 s)
      expect(await ask()).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  }, 20_000);

  it('answers errors in the JSON API envelope', async () => {
    const res = await fetch(`${emu.url}/storage/v1/b/${bucket}/o/missing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { error: { code: number; message: string; errors: { domain: string; reason: string; message: string }[] } };
    expect(body.error.code).toBe(404);
    expect(body.error.errors[0]).toMatchObject({ domain: 'global', reason: 'notFound' });
  });

  it('answers 501 UNIMPLEMENTED for features it does not emulate', async () => {
    for (const [method, url] of [
      ['GET', `/storage/v1/b/${bucket}/acl`],
      ['GET', `/storage/v1/b/${bucket}/iam`],
      ['POST', `/storage/v1/b/${bucket}/o/bulkRestore`],
      ['PATCH', `/storage/v1/b/${bucket}`],
    ] as const) {
      const res = await fetch(`${emu.url}${url}`, {
        method,
        body: method === 'PATCH' ? JSON.stringify({ encryption: { defaultKmsKeyName: 'projects/p/locations/us/keyRings/r/cryptoKeys/k' } }) : undefined,
      });
      expect([method, url, res.status]).toEqual([method, url, 501]);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/UNIMPLEMENTED/);
    }
  });

  it('runs a resumable session by hand: 308 + Range, status query, final chunk', async () => {
    const init = await fetch(`${emu.url}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&name=by-hand.bin`, { method: 'POST' });
    expect(init.status).toBe(200);
    const session = init.headers.get('location')!;
    expect(session.startsWith(`${emu.url}/upload/storage/v1/b/${bucket}/o?`)).toBe(true);

    const data = Buffer.alloc(600_000, 1);
    const first = await fetch(session, { method: 'PUT', body: data.subarray(0, 262_144), headers: { 'content-range': 'bytes 0-262143/*' } });
    expect(first.status).toBe(308);
    expect(first.headers.get('range')).toBe('bytes=0-262143');

    const status = await fetch(session, { method: 'PUT', headers: { 'content-range': 'bytes */*' } });
    expect(status.status).toBe(308);
    expect(status.headers.get('range')).toBe('bytes=0-262143');

    // A resent overlap is skipped; the rest completes the object.
    const last = await fetch(session, { method: 'PUT', body: data.subarray(100), headers: { 'content-range': `bytes 100-599999/600000` } });
    expect(last.status).toBe(200);
    expect((await last.json()) as Record<string, unknown>).toMatchObject({ name: 'by-hand.bin', size: '600000' });

    const again = await fetch(session, { method: 'PUT', headers: { 'content-range': 'bytes */600000' } });
    expect(again.status).toBe(200);

    const gap = await fetch(`${emu.url}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&name=gap.bin`, { method: 'POST' });
    const gapSession = gap.headers.get('location')!;
    const bad = await fetch(gapSession, { method: 'PUT', body: 'x', headers: { 'content-range': 'bytes 10-10/*' } });
    expect(bad.status).toBe(400);
    const cancelled = await fetch(gapSession, { method: 'DELETE' });
    expect(cancelled.status).toBe(499);
    expect((await fetch(gapSession, { method: 'PUT', headers: { 'content-range': 'bytes */*' } })).status).toBe(404);
  });

  it('rejects an upload whose declared checksum does not match (400)', async () => {
    const res = await fetch(`${emu.url}/upload/storage/v1/b/${bucket}/o?uploadType=media&name=sum.txt`, {
      method: 'POST',
      body: 'hello',
      headers: { 'x-goog-hash': 'crc32c=AAAAAA==' },
    });
    expect(res.status).toBe(400);
    expect((await fetch(`${emu.url}/storage/v1/b/${bucket}/o/sum.txt`)).status).toBe(404);
  });

  it('survives malformed requests', async () => {
    const attempts: Array<[string, RequestInit]> = [
      [`/storage/v1/b?project=p`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } }],
      [`/storage/v1/b?project=p`, { method: 'POST', body: '[1,2]' }],
      [`/upload/storage/v1/b/${bucket}/o?uploadType=multipart`, { method: 'POST', body: 'garbage', headers: { 'content-type': 'multipart/related; boundary=zz' } }],
      [`/upload/storage/v1/b/${bucket}/o?uploadType=multipart`, { method: 'POST', body: 'garbage', headers: { 'content-type': 'text/plain' } }],
      [`/upload/storage/v1/b/${bucket}/o?uploadType=weird&name=x`, { method: 'POST', body: 'x' }],
      [`/upload/storage/v1/b/${bucket}/o?uploadType=resumable&upload_id=nope`, { method: 'PUT', body: 'x', headers: { 'content-range': 'bytes 0-0/1' } }],
      [`/storage/v1/b/${bucket}/o?pageToken=forged`, { method: 'GET' }],
      [`/storage/v1/b/${bucket}/o/%E0%A4%A`, { method: 'GET' }],
      [`/storage/v1/b/${bucket}/o/x?ifGenerationMatch=abc`, { method: 'DELETE' }],
      [`/storage/v1/b/${bucket}/o/x/compose`, { method: 'POST', body: JSON.stringify({ sourceObjects: 'nope' }) }],
      [`/storage/v1/b/${bucket}/notificationConfigs`, { method: 'POST', body: JSON.stringify({ topic: 'bad', payload_format: 'JSON_API_V1' }) }],
      [`/storage/v1/b/Bad_Name!`, { method: 'GET' }],
    ];
    for (const [url, init] of attempts) {
      const res = await fetch(`${emu.url}${url}`, init);
      expect([url, res.status >= 400 && res.status < 500]).toEqual([url, true]);
      await res.arrayBuffer();
    }
    expect((await fetch(`${emu.url}/storage/v1/b/${bucket}`)).status).toBe(200);
  });

  it('keeps objects in inspectable files that survive a restart', async () => {
    const put = await fetch(`${emu.url}/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent('pos/s1/w1.csv')}`, {
      method: 'POST',
      body: 'a,b\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(put.status).toBe(200);
    const before = (await put.json()) as Record<string, unknown>;
    expect(readFileSync(path.join(dataDir, bucket, 'pos', 's1', 'w1.csv'), 'utf8')).toBe('a,b\n');

    await emu.close();
    emu = await start({ port: 0, dataDir, logLevel: 'fatal', pubsubHost: 'localhost:1' });
    const meta = (await (await fetch(`${emu.url}/storage/v1/b/${bucket}/o/${encodeURIComponent('pos/s1/w1.csv')}`)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({ generation: before.generation, md5Hash: before.md5Hash, contentType: 'text/csv' });
    const media = await fetch(`${emu.url}/download/storage/v1/b/${bucket}/o/${encodeURIComponent('pos/s1/w1.csv')}?alt=media`);
    expect(await media.text()).toBe('a,b\n');
    expect(media.headers.get('x-goog-hash')).toBe(`crc32c=${String(before.crc32c)},md5=${String(before.md5Hash)}`);
  });
});
