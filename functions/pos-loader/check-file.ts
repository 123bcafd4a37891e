// Judges one landed POS file without I/O: gunzip, header, every body line against the contract,
// trailer row count and sha256 (contracts/pos-file.ts, the same checker `pizzaflow validate` uses).
// A valid file yields its body rows per target table, `record_type` removed.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { PosFileChecker } from '../../contracts/pos-file';
import type { PosFileHeader } from '../../contracts/pos';

export type PosTable = 'pos_transactions' | 'inventory_movements';
export const POS_TABLES: readonly PosTable[] = ['pos_transactions', 'inventory_movements'];

export interface PosFileVerdict {
  ok: boolean;
  /** First problem, naming the line and the field; null when ok. */
  reason: string | null;
  header: PosFileHeader | null;
  /** sha256 of the body lines (each followed by "\n"); null when the file could not be read. */
  contentSha256: string | null;
  /** Body rows per table, `record_type` removed (empty unless ok). */
  rows: Record<PosTable, Record<string, unknown>[]>;
}

const TABLE_OF: Record<string, PosTable> = { transaction: 'pos_transactions', inventory_movement: 'inventory_movements' };

export function checkPosFile(bytes: Buffer): PosFileVerdict {
  const empty = (): Record<PosTable, Record<string, unknown>[]> => ({ pos_transactions: [], inventory_movements: [] });
  const checker = new PosFileChecker();
  let text: string;
  try {
    text = (isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (err) {
    const verdict = checker.finish(err as Error)[0];
    const reason = verdict && !verdict.ok ? verdict.reason : 'unreadable file';
    return { ok: false, reason, header: null, contentSha256: null, rows: empty() };
  }
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let firstProblem: string | null = null;
  for (const line of lines) {
    const v = checker.line(line);
    if (!v.ok && firstProblem === null) firstProblem = `line ${v.line}: ${v.reason}`;
  }
  for (const v of checker.finish()) if (!v.ok && firstProblem === null) firstProblem = `line ${v.line}: ${v.reason}`;
  const body = bodyLines(lines);
  const contentSha256 = sha256Lines(body);
  const header = checker.headerRecord ?? null;
  if (!checker.ok || firstProblem !== null) return { ok: false, reason: firstProblem ?? 'invalid file', header, contentSha256, rows: empty() };
  const rows = empty();
  for (const line of body) {
    const { record_type: type, ...row } = JSON.parse(line) as Record<string, unknown>;
    rows[TABLE_OF[String(type)]!].push(row);
  }
  return { ok: true, reason: null, header, contentSha256, rows };
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Lines between the header and a trailing trailer line. */
function bodyLines(lines: string[]): string[] {
  const last = lines[lines.length - 1];
  const hasTrailer = lines.length > 1 && last !== undefined && /"record_type"\s*:\s*"trailer"/.test(last);
  return lines.slice(1, hasTrailer ? -1 : undefined);
}

function sha256Lines(lines: readonly string[]): string {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('hex');
}
