// Runs the Pulumi program (infra/index.ts) under Pulumi's mock runtime and records every resource it
// registers with its inputs. Each render loads fresh copies of @pulumi/pulumi and the program, so
// several stacks can be rendered in one test file.
import * as path from 'node:path';
import type * as PulumiModule from '@pulumi/pulumi';
import { renderProgram, stackConfig as readStackConfig, type RenderedProgram } from '../../../tools/local/render-program';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const PROJECT_NUMBER = '123456789012';

export type { Recorded } from '../../../tools/local/render-program';
export type RenderedStack = RenderedProgram;


/**
 * Values of the stack's secret configuration, as an operator sets them with `pulumi config set --secret`
 * (stack files hold them encrypted, which the mock runtime cannot read). Each is distinctive, so a
 * test can look for it in plain text anywhere in the recorded inputs.
 */
export const TEST_SECRETS: Readonly<Record<string, string>> = {
  'pizzaflow:piiKey': 'test-pii-key-0123456789abcdef',
  'pizzaflow:collectorApiKeys': 'portal=test-portal-key-4242',
  'pizzaflow:webhookSecrets': 'dashdrop=test-webhook-secret-9393',
  'pizzaflow:merchantApiKeys': 'm0001=test-merchant-key-7171',
};

/** A stack file's configuration as Pulumi hands it to the program: every value a string, objects as JSON. */
export function stackConfig(stack: 'dev' | 'prod' | 'local'): Record<string, string> {
  return readStackConfig(REPO_ROOT, stack);
}

/** What the mock answers for the Memorystore instance's AUTH string and server CA. */
export const MOCK_REDIS_AUTH = 'mock-memorystore-auth-string';
export const MOCK_REDIS_CA = '-----BEGIN CERTIFICATE-----\nmock-memorystore-server-ca\n-----END CERTIFICATE-----';

function computedState(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const project = String(inputs.project ?? 'unset');
  switch (type) {
    case 'gcp:serviceaccount/account:Account': {
      const email = `${String(inputs.accountId)}@${project}.iam.gserviceaccount.com`;
      return { email, name: `projects/${project}/serviceAccounts/${email}`, member: `serviceAccount:${email}` };
    }
    case 'gcp:cloudfunctionsv2/function:Function': {
      const uri = `https://${String(inputs.name)}-abcdefghij-uc.a.run.app`;
      return { url: uri, serviceConfig: { ...(inputs.serviceConfig as Record<string, unknown>), uri, service: `projects/${project}/locations/us-central1/services/${String(inputs.name)}` } };
    }
    case 'gcp:storage/bucketObject:BucketObject':
      return { outputName: inputs.name, md5hash: 'c291cmNl', generation: 1733467200000000 };
    case 'gcp:secretmanager/secretVersion:SecretVersion':
      return { name: `${String(inputs.secret)}/versions/1`, version: '1' };
    case 'gcp:projects/serviceIdentity:ServiceIdentity': {
      const agent = String(inputs.service).startsWith('pubsub') ? 'gcp-sa-pubsub' : 'gcp-sa-dataform';
      const email = `service-${PROJECT_NUMBER}@${agent}.iam.gserviceaccount.com`;
      return { email, member: `serviceAccount:${email}` };
    }
    case 'gcp:secretmanager/secret:Secret':
      return { name: `projects/${PROJECT_NUMBER}/secrets/${String(inputs.secretId)}` };
    case 'gcp:redis/instance:Instance':
      // Memorystore with AUTH and TLS: a private address, the TLS port, and its server CA.
      return { host: '10.20.0.3', port: 6378, authString: MOCK_REDIS_AUTH, serverCaCerts: [{ cert: MOCK_REDIS_CA }] };
    default:
      return {};
  }
}

function idOf(type: string, name: string, inputs: Record<string, unknown>): string {
  if (type === 'gcp:pubsub/topic:Topic') return `projects/${String(inputs.project)}/topics/${String(inputs.name)}`;
  if (type === 'gcp:bigquery/dataset:Dataset') return `projects/${String(inputs.project)}/datasets/${String(inputs.datasetId)}`;
  return `${name}-id`;
}

function answerCall(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (token === 'gcp:organizations/getProject:getProject') return { number: PROJECT_NUMBER, projectId: inputs.projectId };
  if (token === 'gcp:storage/getProjectServiceAccount:getProjectServiceAccount') {
    const email = `service-${PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com`;
    return { emailAddress: email, member: `serviceAccount:${email}` };
  }
  if (token === 'gcp:bigquery/getDefaultServiceAccount:getDefaultServiceAccount') {
    const email = `bq-${PROJECT_NUMBER}@bigquery-encryption.iam.gserviceaccount.com`;
    return { email, member: `serviceAccount:${email}` };
  }
  throw new Error(`unexpected call ${token}`);
}

/** Renders the program with `config` (fully qualified keys) and waits for every registration. */
export async function renderStack(stackValues: Record<string, string>, stack = 'test', secrets: Readonly<Record<string, string>> = TEST_SECRETS): Promise<RenderedStack> {
  let rendered: RenderedStack | undefined;
  await jest.isolateModulesAsync(async () => {
    rendered = await renderProgram({
      stack,
      config: stackValues,
      secrets,
      repoRoot: REPO_ROOT,
      computeState: (type, name, inputs) => ({ ...computedState(type, inputs), id: idOf(type, name, inputs) }),
      answerCall,
      load: () => ({ pulumi: require('@pulumi/pulumi') as typeof PulumiModule, runProgram: (require('../../../infra/program') as { runProgram: (root: string) => Record<string, unknown> }).runProgram }),
    });
  });
  return rendered!;
}
