// Readers for a generated data set, written independently of the generator so tests re-derive
// what it claims rather than trusting it.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import { formatPath } from '../../../contracts/verdict';
import { generate, type GenerateOptions, type GenerationSummary } from '../../../tools/generator';

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `pizzaflow-gen-${name}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function run(outDir: string, overrides: Partial<GenerateOptions> = {}): Promise<GenerationSummary> {
  return generate({ stores: 3, hours: 6, start: '2026-03-02T00:00:00Z', seed: 1, outDir, faultRate: 0, ...overrides });
}

/** Every file under `dir`, relative, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export function digestTree(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

export function ndjsonLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export interface PosFile {
  rel: string;
  lines: string[];
}

/** Gunzips a POS file; null if the gzip stream is damaged. */
export function readPos(dir: string, rel: string): PosFile | null {
  try {
    const text = gunzipSync(readFileSync(join(dir, rel))).toString('utf8');
    return { rel, lines: text.slice(0, -1).split('\n') };
  } catch {
    return null;
  }
}

/** The trailer checks, done here from scratch. */
export function trailerOk(file: PosFile): boolean {
  const body = file.lines.slice(1, -1);
  let trailer: { row_count?: unknown; sha256?: unknown };
  try {
    trailer = JSON.parse(file.lines[file.lines.length - 1]!) as typeof trailer;
  } catch {
    return false;
  }
  const sha = createHash('sha256');
  for (const l of body) sha.update(`${l}\n`);
  return trailer.row_count === body.length && trailer.sha256 === sha.digest('hex');
}

/** Paths zod names for a rejected value, formatted like the validator (unknown keys named). */
export function issuePaths(schema: z.ZodType, value: unknown): string[] | null {
  const result = schema.safeParse(value);
  if (result.success) return null;
  return result.error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
    return formatPath(keys.length > 0 ? [...issue.path, keys[0]!] : issue.path);
  });
}

export function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
