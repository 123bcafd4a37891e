// Running MD5 and CRC32C of an object's bytes, base64 as the object resource carries them
// (CRC32C big-endian), computed as the bytes stream in so no body is buffered to hash it.
import { createHash, type Hash } from 'node:crypto';
import { CRC32C } from '@google-cloud/storage';

export interface Digests {
  md5Hash: string;
  crc32c: string;
}

export class Hasher {
  private readonly md5: Hash = createHash('md5');
  private readonly crc = new CRC32C();
  size = 0;

  update(chunk: Buffer): void {
    this.md5.update(chunk);
    this.crc.update(chunk);
    this.size += chunk.length;
  }

  /** The digests so far; the hasher stays usable (a resumable upload may continue). */
  digests(): Digests {
    return { md5Hash: this.md5.copy().digest('base64'), crc32c: this.crc.toString() };
  }
}

/** Parses `X-Goog-Hash: crc32c=…,md5=…` (sent by the client with an upload's last chunk). */
export function parseGoogHash(header: string | string[] | undefined): Partial<Digests> {
  const out: Partial<Digests> = {};
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const pair of values.join(',').split(',')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const key = pair.slice(0, at).trim().toLowerCase();
    const value = pair.slice(at + 1).trim();
    if (key === 'crc32c') out.crc32c = value;
    else if (key === 'md5') out.md5Hash = value;
  }
  return out;
}
