// Cloud Storage's JSON error envelope: {error:{code, message, errors:[{domain, reason, message}]}}.
// Handlers throw GcsError; the HTTP front turns it into this shape with the right status.

export type Reason =
  | 'notFound'
  | 'conflict'
  | 'conditionNotMet'
  | 'invalid'
  | 'required'
  | 'badRequest'
  | 'notImplemented'
  | 'internalError'
  | 'requestedRangeNotSatisfiable'
  | 'notModified'
  | 'uploadCancelled'
  | 'forbidden'
  | 'retentionPolicyNotMet';

export interface GcsErrorBody {
  error: { code: number; message: string; errors: { domain: string; reason: string; message: string; locationType?: string; location?: string }[] };
}

export class GcsError extends Error {
  /** Extra response headers (Content-Range of a 416, Range of a resumable status). */
  readonly headers: Record<string, string> = {};
  constructor(
    readonly code: number,
    readonly reason: Reason,
    message: string,
    readonly location?: string,
  ) {
    super(message);
    this.name = 'GcsError';
  }

  toJSON(): GcsErrorBody {
    const detail = {
      domain: 'global',
      reason: this.reason,
      message: this.message,
      ...(this.location ? { locationType: 'parameter', location: this.location } : {}),
    };
    return { error: { code: this.code, message: this.message, errors: [detail] } };
  }
}

export const bucketNotFound = (bucket: string): GcsError => new GcsError(404, 'notFound', `The specified bucket does not exist: ${bucket}`);
export const objectNotFound = (bucket: string, name: string): GcsError =>
  new GcsError(404, 'notFound', `No such object: ${bucket}/${name}`);
export const conflict = (message: string): GcsError => new GcsError(409, 'conflict', message);
export const preconditionFailed = (parameter: string): GcsError =>
  new GcsError(412, 'conditionNotMet', 'At least one of the pre-conditions you specified did not hold.', parameter);
export const notModified = (): GcsError => new GcsError(304, 'notModified', 'Not Modified');
export const invalid = (message: string, location?: string): GcsError => new GcsError(400, 'invalid', message, location);
export const required = (what: string): GcsError => new GcsError(400, 'required', `Required: ${what}`, what);
export const unimplemented = (what: string): GcsError =>
  new GcsError(501, 'notImplemented', `UNIMPLEMENTED: ${what} is not supported by the pizzaflow Cloud Storage emulator`);
