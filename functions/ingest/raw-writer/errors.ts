// Errors the raw writer hands its callers: rows BigQuery refused (permanent: record and ack) and
// requests too large to ever fit one append (permanent as well). Failed appends are RetryableError.
import { PermanentError } from '../../runtime/errors';

export interface RowError {
  /** Index of the row in the caller's own `write(rows)` call. */
  index: number;
  message: string;
}

/** Some of the caller's rows do not fit the table; none of the caller's rows were written. */
export class RowErrorsError extends PermanentError {
  readonly rowErrors: RowError[];
  constructor(rowErrors: RowError[]) {
    super(`${rowErrors.length} row(s) refused by BigQuery: ${rowErrors.map((e) => `#${e.index}: ${e.message}`).join('; ').slice(0, 500)}`, { rowErrors });
    this.rowErrors = rowErrors;
  }
}

/** The caller's rows exceed what one AppendRows request may carry. */
export class RequestTooLargeError extends PermanentError {}
