// BigQuery's error envelope: {error:{code, message, status, errors:[{reason, location, message}]}}.
export type Reason = 'resourceInUse' | 'notFound' | 'duplicate' | 'invalidQuery' | 'invalid' | 'badRequest' | 'notImplemented' | 'internalError' | 'stopped';

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
};

export class BqError extends Error {
  constructor(
    readonly code: number,
    readonly reason: Reason,
    message: string,
    readonly location?: string,
  ) {
    super(message);
  }

  toJSON(): BqErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        status: STATUS[this.code] ?? 'UNKNOWN',
        errors: [{ reason: this.reason, message: this.message, ...(this.location ? { location: this.location, locationType: 'other' } : {}) }],
      },
    };
  }

  /** The job-level errorResult form. */
  toErrorProto(): ErrorProto {
    return { reason: this.reason, message: this.message, ...(this.location ? { location: this.location } : {}) };
  }
}

export interface ErrorProto {
  reason: string;
  message: string;
  location?: string;
}

export interface BqErrorBody {
  error: { code: number; message: string; status: string; errors: (ErrorProto & { locationType?: string })[] };
}

export const notFound = (what: string): BqError => new BqError(404, 'notFound', `Not found: ${what}`);
export const duplicate = (what: string): BqError => new BqError(409, 'duplicate', `Already Exists: ${what}`);
export const invalid = (message: string, location?: string): BqError => new BqError(400, 'invalid', message, location);
export const invalidQuery = (message: string): BqError => new BqError(400, 'invalidQuery', message, 'query');
export const unimplemented = (what: string): BqError => new BqError(501, 'notImplemented', `${what} is not supported by the BigQuery emulator`);
