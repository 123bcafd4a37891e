// The careful path of load jobs, taken only when DuckDB's typed readers refuse a file (or a check
// after them fails): parses every record in JS, checks it against the BigQuery schema with the
// same rules as insertAll, and reports each bad record as BigQuery does ("in row starting at
// position N: ... File: gs://..."). Good records are normalised for DuckDB's JSON reader.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { type ErrorProto } from './errors';
import { type FieldSchema } from './schema';
import { validateRow } from './row-validation';

export interface CsvOptions {
  delimiter: string;
  quote: string;
  skipLeadingRows: number;
  allowJaggedRows: boolean;
  allowQuotedNewlines: boolean;
}

export interface CheckedFile {
  rows: Record<string, unknown>[];
  errors: ErrorProto[];
  records: number;
}

export async function readText(path: string, gzip: boolean): Promise<string> {
  const raw = await readFile(path);
  return (gzip ? gunzipSync(raw) : raw).toString('utf8');
}

function rowError(uri: string, position: number, message: string): ErrorProto {
  return { reason: 'invalid', location: uri, message: `Error while reading data, error message: ${message}; in row starting at position ${position}. File: ${uri}` };
}

export function checkJsonLines(text: string, uri: string, fields: FieldSchema[], ignoreUnknown: boolean): CheckedFile {
  const out: CheckedFile = { rows: [], errors: [], records: 0 };
  let pos = 0;
  for (const line of text.split('\n')) {
    const start = pos;
    pos += Buffer.byteLength(line) + 1;
    if (!line.trim()) continue;
    out.records++;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      out.errors.push(rowError(uri, start, `JSON parsing error: ${(e as Error).message}`));
      continue;
    }
    const { row, errors } = validateRow(fields, json, ignoreUnknown);
    if (errors.length) out.errors.push(rowError(uri, start, errors.map((e) => e.message).join('; ')));
    else out.rows.push(row);
  }
  return out;
}

export function checkCsv(text: string, uri: string, fields: FieldSchema[], opts: CsvOptions): CheckedFile {
  const out: CheckedFile = { rows: [], errors: [], records: 0 };
  const records = parseCsv(text, opts.delimiter, opts.quote);
  for (const rec of records.slice(opts.skipLeadingRows)) {
    if (rec.values.length === 1 && rec.values[0] === '' && !rec.quoted) continue;
    out.records++;
    if (rec.error) {
      out.errors.push(rowError(uri, rec.position, rec.error));
      continue;
    }
    if (!opts.allowQuotedNewlines && rec.multiline) {
      out.errors.push(rowError(uri, rec.position, 'Missing close double quote (") character'));
      continue;
    }
    if (rec.values.length > fields.length) {
      out.errors.push(rowError(uri, rec.position, `Too many values in row starting at position: ${rec.position}`));
      continue;
    }
    if (rec.values.length < fields.length && !opts.allowJaggedRows) {
      out.errors.push(rowError(uri, rec.position, `CSV table references column position ${fields.length - 1}, but line contains only ${rec.values.length} columns`));
      continue;
    }
    const json: Record<string, unknown> = {};
    fields.forEach((f, i) => {
      const v = rec.values[i];
      json[f.name] = v === undefined || v === '' ? null : v;
    });
    const { row, errors } = validateRow(fields, json, true);
    if (errors.length) out.errors.push(rowError(uri, rec.position, errors.map((e) => e.message).join('; ')));
    else out.rows.push(row);
  }
  return out;
}

export interface CsvRecord {
  values: string[];
  position: number;
  quoted: boolean;
  multiline: boolean;
  error?: string;
}

/** Positions are character offsets. RFC 4180 with BigQuery's options: a delimiter, a quote character (empty: no quoting), doubled quotes as escapes. */
export function parseCsv(text: string, delimiter: string, quote: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const rec: CsvRecord = { values: [], position: i, quoted: false, multiline: false };
    let field = '';
    let done = false;
    while (!done) {
      if (quote && text[i] === quote) {
        rec.quoted = true;
        i++;
        let closed = false;
        while (i < n) {
          if (text[i] === quote) {
            if (text[i + 1] === quote) {
              field += quote;
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (text[i] === '\n') rec.multiline = true;
          field += text[i++];
        }
        if (!closed) rec.error = 'Missing close double quote (") character';
      }
      while (i < n && text[i] !== delimiter && text[i] !== '\n') field += text[i++];
      rec.values.push(field.replace(/\r$/, ''));
      field = '';
      if (i >= n || text[i] === '\n') done = true;
      i++;
    }
    out.push(rec);
  }
  return out;
}
