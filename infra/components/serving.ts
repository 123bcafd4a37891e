// Serving: the serving store the live counters and the settled series are read from, a
// Memorystore for Redis instance with AUTH and in-transit encryption (TLS, server authentication),
// reachable only inside the project's VPC network: the instance is on the network through private
// service access (a reserved range peered with Google's service producer network), and the functions
// that use it reach the network through Direct VPC egress on a subnet of their own. The AUTH string
// goes into Secret Manager, readable by exactly those functions; the server CA and the address go
// into their environment. See docs/deploy.md#serving-store-memorystore-for-redis.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { FUNCTIONS } from '../../contracts/catalog';
import { secretId, serviceAccountMember } from '../builders/names';
import { emailOf, type ServiceAccountEmails, type StackContext } from './context';

/**
 * The functions that use the serving store: ingest and the POS loader write the live counters (online
 * orders, loaded POS transactions), the publisher writes the settled series, the metrics API reads
 * both and the merchants' key digests.
 */
export const SERVING_STORE_CLIENTS: readonly string[] = [FUNCTIONS.ingest, FUNCTIONS.posLoader, FUNCTIONS.metricsApi, FUNCTIONS.servingPublisher];

export const SERVING_NAMES = {
  network: 'pizzaflow-vpc',
  /** The subnet Direct VPC egress takes the functions' addresses from. */
  subnetwork: 'pizzaflow-functions',
  /** The range reserved for private service access (Memorystore's addresses come from it). */
  peeringRange: 'pizzaflow-private-services',
  instance: 'pizzaflow-serving',
  /** Secret Manager secret holding the instance's AUTH string. */
  authSecret: 'redis-auth',
} as const;

/** Variables the serving store's clients read (functions/runtime/config.ts). */
export const SERVING_ENV = { url: 'PIZZAFLOW_REDIS_URL', password: 'PIZZAFLOW_REDIS_PASSWORD', ca: 'PIZZAFLOW_REDIS_CA' } as const;

export interface ServingArgs {
  context: StackContext;
  emails: ServiceAccountEmails;
  /** Highly available (a replica in another zone, automatic failover) in prod; one node elsewhere. */
  highAvailability: boolean;
  protect: boolean;
}

/** What a function that uses the serving store needs: egress to the network, its address, CA and AUTH secret. */
export interface ServingAccess {
  clients: readonly string[];
  network: pulumi.Output<string>;
  subnetwork: pulumi.Output<string>;
  /** Plain variables: the store's URL and server CA (PEM; empty without TLS). */
  env: Readonly<Record<string, pulumi.Output<string>>>;
  /** The AUTH string as a secret variable, pinned to its version. */
  secretEnv: { key: string; secret: pulumi.Output<string>; version: pulumi.Output<string> };
  /** The functions wait for these (their access to the AUTH secret). */
  dependsOn: pulumi.Resource[];
}

/** `redis://` without a server CA, `rediss://` (TLS) with one; the CA certificates joined (there are two while Memorystore rotates its CA). */
export function storeAddress(host: string | undefined, port: number | undefined, certs: readonly { cert?: string }[] | undefined): { url: string; ca: string } {
  const ca = (certs ?? []).map((c) => c.cert ?? '').filter((c) => c !== '').join('\n');
  return { url: `${ca ? 'rediss' : 'redis'}://${host ?? ''}:${port ?? 6379}`, ca };
}

export class Serving extends pulumi.ComponentResource {
  readonly instance: gcp.redis.Instance;
  readonly access: ServingAccess;

  constructor(name: string, args: ServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pizzaflow:gcp:Serving', name, {}, opts);
    const { project, region } = args.context;
    const parent = { parent: this };
    const network = new gcp.compute.Network(`${name}-network`, { project, name: SERVING_NAMES.network, autoCreateSubnetworks: false, description: 'pizzaflow: the serving store and the functions that reach it' }, parent);
    const subnetwork = new gcp.compute.Subnetwork(
      `${name}-functions-subnet`,
      {
        project,
        region,
        name: SERVING_NAMES.subnetwork,
        network: network.id,
        // Direct VPC egress takes instance addresses from here: a /24 serves up to ~250 instances with headroom for revisions.
        ipCidrRange: '10.8.0.0/24',
        privateIpGoogleAccess: true,
      },
      parent,
    );
    const range = new gcp.compute.GlobalAddress(
      `${name}-peering-range`,
      { project, name: SERVING_NAMES.peeringRange, purpose: 'VPC_PEERING', addressType: 'INTERNAL', prefixLength: 20, network: network.id },
      parent,
    );
    const peering = new gcp.servicenetworking.Connection(`${name}-private-service-access`, { network: network.id, service: 'servicenetworking.googleapis.com', reservedPeeringRanges: [range.name] }, parent);
    this.instance = new gcp.redis.Instance(
      `${name}-redis`,
      {
        project,
        region,
        name: SERVING_NAMES.instance,
        displayName: 'pizzaflow serving store',
        tier: args.highAvailability ? 'STANDARD_HA' : 'BASIC',
        memorySizeGb: 1,
        redisVersion: 'REDIS_7_2',
        authorizedNetwork: network.id,
        connectMode: 'PRIVATE_SERVICE_ACCESS',
        reservedIpRange: range.name,
        authEnabled: true,
        transitEncryptionMode: 'SERVER_AUTHENTICATION',
        // Everything in the store is derived (the marts are the truth): no persistence; under memory
        // pressure only keys with a TTL (the live counters) are evicted.
        persistenceConfig: { persistenceMode: 'DISABLED' },
        redisConfigs: { 'maxmemory-policy': 'volatile-lru' },
        deletionProtection: args.protect,
        labels: { app: 'pizzaflow', role: 'serving' },
      },
      { parent: this, dependsOn: [peering], protect: args.protect },
    );
    const secret = new gcp.secretmanager.Secret(
      `${name}-${SERVING_NAMES.authSecret}`,
      { project, secretId: secretId(SERVING_NAMES.authSecret), replication: { auto: {} }, annotations: { description: 'AUTH string of the serving store (Memorystore for Redis)', env: SERVING_ENV.password } },
      parent,
    );
    const version = new gcp.secretmanager.SecretVersion(`${name}-${SERVING_NAMES.authSecret}-version`, { secret: secret.id, secretData: pulumi.secret(this.instance.authString) }, parent);
    const accessors = SERVING_STORE_CLIENTS.map(
      (client) =>
        new gcp.secretmanager.SecretIamMember(
          `${name}-${SERVING_NAMES.authSecret}-${client}`,
          { project, secretId: secret.secretId, role: 'roles/secretmanager.secretAccessor', member: emailOf(args.emails, client).apply(serviceAccountMember) },
          parent,
        ),
    );
    const address = pulumi.all([this.instance.host, this.instance.port, this.instance.serverCaCerts]).apply(([host, port, certs]) => storeAddress(host, port, certs));
    this.access = {
      clients: SERVING_STORE_CLIENTS,
      network: network.id,
      subnetwork: subnetwork.id,
      env: { [SERVING_ENV.url]: address.url, [SERVING_ENV.ca]: address.ca },
      secretEnv: { key: SERVING_ENV.password, secret: secret.secretId, version: version.version },
      dependsOn: [version, ...accessors],
    };
    this.registerOutputs({ host: this.instance.host, port: this.instance.port });
  }
}
