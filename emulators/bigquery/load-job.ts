// Load jobs from gs:// URIs. Not implemented yet: answers 501 rather than accepting silently.
import { Context } from './context';
import { ErrorProto, unimplemented } from './errors';
import { TableReference } from './resources';
import { FieldSchema } from './schema';

export interface LoadConfig {
  sourceUris?: string[];
  destinationTable?: TableReference;
  schema?: { fields?: FieldSchema[] };
  sourceFormat?: string;
  writeDisposition?: string;
  createDisposition?: string;
  maxBadRecords?: number;
  skipLeadingRows?: number;
  ignoreUnknownValues?: boolean;
  autodetect?: boolean;
}

export interface LoadOutcome {
  inputFiles: number;
  inputFileBytes: number;
  outputRows: number;
  outputBytes: number;
  badRecords: number;
  errors: ErrorProto[];
}

export async function runLoad(_ctx: Context, _projectId: string, _cfg: LoadConfig): Promise<LoadOutcome> {
  throw unimplemented('Load jobs');
}
