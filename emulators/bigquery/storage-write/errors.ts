// gRPC status errors of the Storage Write API (code + message, as the service sends them).
import { status } from '@grpc/grpc-js';

export class GrpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }

  /** The object grpc-js sends as a call's final status. */
  toStatus(): { code: status; details: string } {
    return { code: this.code, details: this.message };
  }

  /** The google.rpc.Status carried inside an AppendRowsResponse. */
  toRpcStatus(): { code: number; message: string } {
    return { code: this.code, message: this.message };
  }
}

export const invalidArgument = (m: string): GrpcError => new GrpcError(status.INVALID_ARGUMENT, m);
export const notFound = (m: string): GrpcError => new GrpcError(status.NOT_FOUND, m);
export const alreadyExists = (m: string): GrpcError => new GrpcError(status.ALREADY_EXISTS, m);
export const outOfRange = (m: string): GrpcError => new GrpcError(status.OUT_OF_RANGE, m);
export const failedPrecondition = (m: string): GrpcError => new GrpcError(status.FAILED_PRECONDITION, m);
export const unimplemented = (m: string): GrpcError => new GrpcError(status.UNIMPLEMENTED, `${m} is not supported by the BigQuery emulator`);

/** Any error as a GrpcError: the REST emulator's BqError keeps its meaning, anything else is INTERNAL. */
export function toGrpcError(e: unknown): GrpcError {
  if (e instanceof GrpcError) return e;
  const err = e as { code?: unknown; message?: string };
  const message = err?.message ?? String(e);
  switch (err?.code) {
    case 400:
      return invalidArgument(message);
    case 404:
      return notFound(message);
    case 409:
      return alreadyExists(message);
    case 501:
      return new GrpcError(status.UNIMPLEMENTED, message);
    default:
      return new GrpcError(status.INTERNAL, message);
  }
}
