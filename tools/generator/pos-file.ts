// The POS batch file each store uploads per 15-minute window, written exactly as the loader reads it.
//
// Format: gzip-compressed NDJSON (UTF-8, every line ends with "\n"):
//   line 1      {"record_type":"header","schema_version":1,"merchant_id",…,"store_id",…,
//                "window_start":…,"window_end":…,"created_at":…}            (contracts/pos.ts posFileHeader)
//   lines 2..n  {"record_type":"transaction",…PosTransaction} or
//               {"record_type":"inventory_movement",…InventoryMovement}     (posBodyLine), by event_time
//   last line   {"record_type":"trailer","row_count":<body lines>,"sha256":<hex>}  (posFileTrailer)
// sha256 is the lowercase hex SHA-256 of the exact body bytes: each body line followed by "\n",
// header and trailer excluded. An empty window has row_count 0 and the digest of no bytes.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { PosFileHeader, PosFileTrailer } from '../../contracts/pos';

/** SHA-256 (lowercase hex) of the body: every line followed by "\n". */
export function posBodySha256(bodyLines: readonly string[]): string {
  const hash = createHash('sha256');
  for (const line of bodyLines) hash.update(line).update('\n');
  return hash.digest('hex');
}

export function posFileTrailerFor(bodyLines: readonly string[]): PosFileTrailer {
  return { record_type: 'trailer', row_count: bodyLines.length, sha256: posBodySha256(bodyLines) };
}

/** The uncompressed file text; `trailer` may be overridden (to write a deliberately bad file). */
export function posFileText(header: PosFileHeader, bodyLines: readonly string[], trailer: PosFileTrailer = posFileTrailerFor(bodyLines)): string {
  const headerLine = JSON.stringify({
    record_type: 'header',
    schema_version: header.schema_version,
    merchant_id: header.merchant_id,
    store_id: header.store_id,
    window_start: header.window_start,
    window_end: header.window_end,
    created_at: header.created_at,
  });
  const parts = [headerLine, ...bodyLines, JSON.stringify(trailer)];
  return parts.join('\n') + '\n';
}

/** Gzip with fixed settings (no name, mtime 0), so equal input gives byte-identical files. */
export function gzipPosFile(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level: 6 });
}

/** Writes one POS file; body lines are serialized body records (record_type first). Returns the bytes. */
export function writePosFile(path: string, header: PosFileHeader, bodyLines: readonly string[]): Buffer {
  const bytes = gzipPosFile(posFileText(header, bodyLines));
  writeFileSync(path, bytes);
  return bytes;
}
