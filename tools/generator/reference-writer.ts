// Writes the reference snapshots (reference/<name>.ndjson), one per table the loaders map in
// REFERENCE_TABLES, so what the generator writes and what gets loaded cannot drift apart.
import { join } from 'node:path';
import { type ReferenceData } from './reference-data';
import { REFERENCE_TABLES } from './reference-tables';
import { ensureDir, writeNdjson } from './writers';

/** Each snapshot's rows, by the snapshot's name in REFERENCE_TABLES. */
const SNAPSHOT_ROWS: Readonly<Record<string, (ref: ReferenceData) => readonly unknown[]>> = {
  merchants: (ref) => ref.merchants,
  stores: (ref) => ref.stores.map((s) => s.store),
  suppliers: (ref) => ref.suppliers,
  raw_materials: (ref) => ref.rawMaterials,
  products: (ref) => ref.products,
  promotions: (ref) => ref.promotions,
};

/** Writes every snapshot under `outDir`/reference; returns the paths written, relative to `outDir`. */
export function writeReference(outDir: string, ref: ReferenceData): string[] {
  const dir = join(outDir, 'reference');
  ensureDir(dir);
  return Object.keys(REFERENCE_TABLES).map((name) => {
    const rows = SNAPSHOT_ROWS[name];
    // A table added to REFERENCE_TABLES without rows here would otherwise load as missing.
    if (!rows) throw new Error(`No reference rows for snapshot ${name}`);
    writeNdjson(join(dir, `${name}.ndjson`), rows(ref));
    return `reference/${name}.ndjson`;
  });
}
