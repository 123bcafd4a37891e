// Resource names of the Storage Write API: tables `projects/P/datasets/D/tables/T` and their
// streams `…/streams/S` (`_default` is the table's built-in committed stream).
import { type TableReference } from '../resources';

export const DEFAULT_STREAM = '_default';

export interface StreamName {
  table: TableReference;
  streamId: string;
}

const TABLE = /^projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/;
const STREAM = /^projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)\/streams\/([^/]+)$/;

export function parseTableName(name: string): TableReference | undefined {
  const m = TABLE.exec(name);
  return m ? { projectId: m[1], datasetId: m[2], tableId: m[3] } : undefined;
}

export function parseStreamName(name: string): StreamName | undefined {
  const m = STREAM.exec(name);
  return m ? { table: { projectId: m[1], datasetId: m[2], tableId: m[3] }, streamId: m[4] } : undefined;
}

export function tableName(t: TableReference): string {
  return `projects/${t.projectId}/datasets/${t.datasetId}/tables/${t.tableId}`;
}

export function streamName(t: TableReference, streamId: string): string {
  return `${tableName(t)}/streams/${streamId}`;
}
