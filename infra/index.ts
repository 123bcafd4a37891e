// pizzaflow's Pulumi program: reads the stack configuration, composes the components, exports outputs.
import * as pulumi from '@pulumi/pulumi';
import { loadInfraConfig } from './config';
import { deployPizzaflow } from './stack';

const config = loadInfraConfig((key) => {
  const [namespace, name] = key.split(':') as [string, string];
  return new pulumi.Config(namespace).get(name);
});

// Secrets come from `pulumi config set --secret <key> …` and stay encrypted in the state.
const secretValue = (key: string) => new pulumi.Config('pizzaflow').requireSecret(key);

// Pulumi runs the program from the project directory (where Pulumi.yaml is).
const stack = deployPizzaflow(config, process.cwd(), secretValue);

export const collectorUrl = stack.collectorUrl;
export const metricsApiUrl = stack.metricsApiUrl;
export const datasetIds = stack.datasetIds;
export const lookerStudioReportUrl = stack.lookerStudioReportUrl;
export const serviceAccounts = stack.serviceAccounts;
