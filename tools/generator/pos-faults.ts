// Fault injection on POS files: at the run's fault rate a window's upload is truncated or corrupted
// (each followed by a good resend) or uploaded twice; otherwise it is the one good file.
import type { PosFileHeader } from '../../contracts/pos';
import { MINUTE_MS, iso } from './clock';
import { EXPECTED_OUTCOME, POS_FAULT_KINDS, corruptPosText, truncateGzip, type FaultRecord } from './faults';
import { gzipPosFile, posFileText } from './pos-file';
import { type Prng } from './prng';

/** What a file is to its window: the first upload, a byte-identical re-upload, or a good resend. */
export type PosUploadRole = 'first' | 'reupload' | 'resend';

/** The suffix each role adds to the window's file name (fault descriptions name `-resend1`). */
export const POS_UPLOAD_SUFFIX: Readonly<Record<PosUploadRole, string>> = { first: '', reupload: '-reupload', resend: '-resend1' };

export interface PosUpload {
  role: PosUploadRole;
  bytes: Buffer;
  /** Body lines written (0 for a truncated file; a garbage line counts). */
  bodyLines: number;
  /** The fault this file carries, once its path is known. */
  fault?: (file: string) => FaultRecord;
}

/**
 * The files one POS window uploads, in upload order, drawing from the store's fault stream at
 * `rate`. The draws are the data set's: their order must not change.
 */
export function posWindowUploads(fr: Prng, rate: number, header: PosFileHeader, body: readonly string[]): PosUpload[] {
  const good = gzipPosFile(posFileText(header, body));
  if (rate <= 0 || !fr.chance(rate)) return [{ role: 'first', bytes: good, bodyLines: body.length }];
  const kind = fr.pick(POS_FAULT_KINDS);
  const base = { kind, flow: 'pos' as const, expected_outcome: EXPECTED_OUTCOME[kind] };
  if (kind === 'reupload_identical_pos_file') {
    return [
      { role: 'first', bytes: good, bodyLines: body.length },
      { role: 'reupload', bytes: good, bodyLines: body.length, fault: (file) => ({ ...base, file, description: 'byte-identical copy of an already uploaded window file' }) },
    ];
  }
  let first: PosUpload;
  if (kind === 'truncated_pos_file') {
    first = { role: 'first', bytes: truncateGzip(fr, good), bodyLines: 0, fault: (file) => ({ ...base, file, description: 'gzip cut short during upload; good resend follows as -resend1' }) };
  } else {
    const bad = corruptPosText(fr, header, body);
    first = {
      role: 'first',
      bytes: gzipPosFile(bad.text),
      bodyLines: body.length + (bad.line !== undefined ? 1 : 0),
      fault: (file) => ({ ...base, file, ...(bad.line !== undefined ? { line: bad.line } : {}), ...(bad.field ? { field: bad.field } : {}), description: `${bad.description}; good resend follows as -resend1` }),
    };
  }
  // The resend is created a few minutes after the damaged upload, so it is a distinct, later file.
  const resendHeader = { ...header, created_at: iso(Date.parse(header.created_at) + fr.int(2 * MINUTE_MS, 10 * MINUTE_MS)) };
  return [first, { role: 'resend', bytes: gzipPosFile(posFileText(resendHeader, body)), bodyLines: body.length }];
}
