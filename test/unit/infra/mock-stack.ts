// Runs the Pulumi program (infra/index.ts) under Pulumi's mock runtime and records every resource it
// registers with its inputs. Each render loads fresh copies of @pulumi/pulumi and the program, so
// several stacks can be rendered in one test file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as PulumiModule from '@pulumi/pulumi';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const PROJECT_NUMBER = '123456789012';

export interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface RenderedStack {
  resources: Recorded[];
  outputs: Record<string, unknown>;
  ofType(type: string): Recorded[];
  named(name: string): Recorded;
}

// js-yaml (a devDependency, also used by @pulumi/pulumi) has no bundled types.
const yaml = require('js-yaml') as { load(text: string): unknown };

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
export function stackConfig(stack: 'dev' | 'prod'): Record<string, string> {
  const parsed = yaml.load(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), 'utf8')) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(parsed.config).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]));
}

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
    default:
      return {};
  }
}

function idOf(type: string, name: string, inputs: Record<string, unknown>): string {
  if (type === 'gcp:pubsub/topic:Topic') return `projects/${String(inputs.project)}/topics/${String(inputs.name)}`;
  if (type === 'gcp:bigquery/dataset:Dataset') return `projects/${String(inputs.project)}/datasets/${String(inputs.datasetId)}`;
  return `${name}-id`;
}

async function settle<T>(pulumi: typeof PulumiModule, value: unknown): Promise<T> {
  return new Promise<T>((resolve) => pulumi.output(value as PulumiModule.Input<T>).apply((v) => resolve(v as T)));
}

/** Renders the program with `config` (fully qualified keys) and waits for every registration. */
export async function renderStack(stackValues: Record<string, string>, stack = 'test', secrets: Readonly<Record<string, string>> = TEST_SECRETS): Promise<RenderedStack> {
  const config = { ...secrets, ...stackValues };
  const resources: Recorded[] = [];
  let outputs: Record<string, unknown> = {};
  await jest.isolateModulesAsync(async () => {
    const pulumi = require('@pulumi/pulumi') as typeof PulumiModule;
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          const inputs = args.inputs as Record<string, unknown>;
          resources.push({ type: args.type, name: args.name, inputs });
          return { id: idOf(args.type, args.name, inputs), state: { ...inputs, ...computedState(args.type, inputs) } };
        },
        call: (args) => {
          if (args.token === 'gcp:organizations/getProject:getProject') return { number: PROJECT_NUMBER, projectId: args.inputs.projectId };
          if (args.token === 'gcp:storage/getProjectServiceAccount:getProjectServiceAccount') {
            const email = `service-${PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com`;
            return { emailAddress: email, member: `serviceAccount:${email}` };
          }
          if (args.token === 'gcp:bigquery/getDefaultServiceAccount:getDefaultServiceAccount') {
            const email = `bq-${PROJECT_NUMBER}@bigquery-encryption.iam.gserviceaccount.com`;
            return { email, member: `serviceAccount:${email}` };
          }
          throw new Error(`unexpected call ${args.token}`);
        },
      },
      'pizzaflow',
      stack,
      false,
    );
    pulumi.runtime.setAllConfig(config, Object.keys(secrets));
    const program = require('../../../infra/index') as Record<string, unknown>;
    outputs = Object.fromEntries(await Promise.all(Object.entries(program).map(async ([k, v]) => [k, await settle(pulumi, v)] as const)));
    await waitForStableCount(resources);
  });
  return {
    resources,
    outputs,
    ofType: (type) => resources.filter((r) => r.type === type),
    named: (name) => {
      const found = resources.find((r) => r.name === name);
      if (!found) throw new Error(`no resource named ${name}`);
      return found;
    },
  };
}

/** Registrations that wait on other resources' outputs land later: wait until none arrive for a while. */
async function waitForStableCount(resources: Recorded[]): Promise<void> {
  let last = -1;
  let quiet = 0;
  while (quiet < 5) {
    await new Promise((r) => setTimeout(r, 10));
    quiet = resources.length === last ? quiet + 1 : 0;
    last = resources.length;
  }
}
