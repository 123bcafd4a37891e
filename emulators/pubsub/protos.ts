// Loads the google.pubsub.v1 service definitions (and google.iam.v1.IAMPolicy, which Pub/Sub serves
// on the same endpoint) from the .proto files the official client ships, so the emulator speaks
// exactly the wire format of the installed client.
import path from 'node:path';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export interface PubsubServices {
  Publisher: ServiceDefinition;
  Subscriber: ServiceDefinition;
  SchemaService: ServiceDefinition;
  IAMPolicy: ServiceDefinition;
}

let cached: PubsubServices | undefined;

function protoDirs(): { pubsub: string; gax: string } {
  const pubsubEntry = require.resolve('@google-cloud/pubsub');
  const pubsubRoot = path.resolve(path.dirname(pubsubEntry), '..');
  const gaxEntry = require.resolve('google-gax', { paths: [pubsubRoot] });
  return { pubsub: path.join(pubsubRoot, 'protos'), gax: path.resolve(path.dirname(gaxEntry), '..', 'protos') };
}

export function loadPubsubServices(): PubsubServices {
  if (cached) return cached;
  const dirs = protoDirs();
  const definition = loadSync(['google/pubsub/v1/pubsub.proto', 'google/pubsub/v1/schema.proto', 'google/iam/v1/iam_policy.proto'], {
    includeDirs: [dirs.pubsub, dirs.gax],
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const grpcObject = loadPackageDefinition(definition) as unknown as {
    google: {
      pubsub: { v1: Record<'Publisher' | 'Subscriber' | 'SchemaService', { service: ServiceDefinition }> };
      iam: { v1: { IAMPolicy: { service: ServiceDefinition } } };
    };
  };
  const v1 = grpcObject.google.pubsub.v1;
  cached = {
    Publisher: v1.Publisher.service,
    Subscriber: v1.Subscriber.service,
    SchemaService: v1.SchemaService.service,
    IAMPolicy: grpcObject.google.iam.v1.IAMPolicy.service,
  };
  return cached;
}
