// gRPC errors shaped like Pub/Sub's: a status code plus the message the real service would give.
import { status } from '@grpc/grpc-js';

export class ApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (resource: string): ApiError =>
  new ApiError(status.NOT_FOUND, `Resource not found (resource=${resource}).`);

export const alreadyExists = (resource: string): ApiError =>
  new ApiError(status.ALREADY_EXISTS, `Resource already exists in the project (resource=${resource}).`);

export const invalidArgument = (message: string): ApiError => new ApiError(status.INVALID_ARGUMENT, message);

export const unimplemented = (what: string): ApiError =>
  new ApiError(status.UNIMPLEMENTED, `${what} is not implemented by the pizzaflow Pub/Sub emulator.`);

export const failedPrecondition = (message: string): ApiError => new ApiError(status.FAILED_PRECONDITION, message);
