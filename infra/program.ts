// The Pulumi program as a function: reads the stack's configuration through `pulumi.Config`,
// composes the components and returns the outputs. `infra/index.ts` exports them for `pulumi up`;
// the local platform runs the same function under Pulumi's mock runtime (the `local` stack).
import * as pulumi from '@pulumi/pulumi';
import { loadInfraConfig } from './config';
import { deployPizzaflow, type PizzaflowStack } from './stack';

export function runProgram(repoRoot: string = process.cwd()): PizzaflowStack {
  const config = loadInfraConfig((key) => {
    const [namespace, name] = key.split(':') as [string, string];
    return new pulumi.Config(namespace).get(name);
  });
  // Secrets come from `pulumi config set --secret <key> …` and stay encrypted in the state.
  const secretValue = (key: string) => new pulumi.Config('pizzaflow').requireSecret(key);
  return deployPizzaflow(config, repoRoot, secretValue);
}
