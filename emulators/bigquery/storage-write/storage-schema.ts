// The table schema in the Storage API's shape (TableFieldSchema enums: INT64, DOUBLE, BOOL, STRUCT…),
// as GetWriteStream and CreateWriteStream return it.
import { type FieldSchema } from '../schema';

export interface StorageFieldSchema {
  name: string;
  type: string;
  mode: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: StorageFieldSchema[];
  description?: string;
}

const STORAGE_TYPE: Record<string, string> = {
  INTEGER: 'INT64',
  FLOAT: 'DOUBLE',
  BOOLEAN: 'BOOL',
  RECORD: 'STRUCT',
};

export function toStorageFields(fields: FieldSchema[]): StorageFieldSchema[] {
  return fields.map((f) => {
    const out: StorageFieldSchema = { name: f.name, type: STORAGE_TYPE[f.type] ?? f.type, mode: f.mode ?? 'NULLABLE' };
    if (f.description) out.description = f.description;
    if (f.fields) out.fields = toStorageFields(f.fields);
    return out;
  });
}
