// Loads google.cloud.bigquery.storage.v1 from the protos shipped in @google-cloud/bigquery-storage
// (their imports resolve against google-gax's protos), for the gRPC server.
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export interface BigQueryWriteService {
  service: grpc.ServiceDefinition;
}

/** `<package>/build/protos`, found through the package's entry point (google-gax as the storage
 * package's own dependency, so its version matches the protos that import it). */
function protoRoot(pkg: string, from?: string): string {
  let dir = dirname(require.resolve(pkg, from ? { paths: [from] } : undefined));
  while (!dir.endsWith(join('node_modules', ...pkg.split('/')))) dir = dirname(dir);
  return join(dir, 'build', 'protos');
}

let cached: grpc.ServiceDefinition | undefined;

/** The BigQueryWrite service definition. Longs arrive as strings, enums as numbers (protobufjs's
 * descriptor reader wants numeric enums), bytes as Buffers. */
export function bigQueryWriteService(): grpc.ServiceDefinition {
  if (cached) return cached;
  const storageProtos = protoRoot('@google-cloud/bigquery-storage');
  const def = protoLoader.loadSync('google/cloud/bigquery/storage/v1/storage.proto', {
    includeDirs: [storageProtos, protoRoot('google-gax', storageProtos)],
    keepCase: false,
    longs: String,
    defaults: false,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    google: { cloud: { bigquery: { storage: { v1: { BigQueryWrite: { service: grpc.ServiceDefinition } } } } } };
  };
  cached = pkg.google.cloud.bigquery.storage.v1.BigQueryWrite.service;
  return cached;
}
