// What the Pub/Sub emulator's integration tests share: unique resource names, and the gRPC status of a refused call.

/** A resource name unique to this run: `<prefix>-<time>-<random>`. */
export const uid = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

/** The gRPC status code the call was refused with, undefined when it succeeded. */
export async function grpcCode(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: number }).code;
  }
  return undefined;
}
