// pizzaflow's Pulumi program: reads the stack configuration, composes the components, exports outputs.
import * as pulumi from '@pulumi/pulumi';
import { loadInfraConfig } from './config';
import { deployPizzaflow } from './stack';

const config = loadInfraConfig((key) => {
  const [namespace, name] = key.split(':') as [string, string];
  return new pulumi.Config(namespace).get(name);
});

// Pulumi runs the program from the project directory (where Pulumi.yaml is).
const stack = deployPizzaflow(config, process.cwd());

export const collectorUrl = stack.collectorUrl;
export const datasetIds = stack.datasetIds;
export const lookerStudioReportUrl = stack.lookerStudioReportUrl;
export const serviceAccounts = stack.serviceAccounts;
