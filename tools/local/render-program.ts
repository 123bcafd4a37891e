// Runs pizzaflow's Pulumi program (infra/program.ts) under Pulumi's mock runtime and records every
// resource it declares with its inputs and the outputs the mock answered. The unit tests answer
// with cloud-shaped outputs; the local platform answers with the emulators' and local hosts' URLs,
// then applies the recorded graph to the emulators (tools/local/apply-program.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Pulumi from '@pulumi/pulumi';

export interface Recorded {
  type: string;
  /** The Pulumi resource name (`pizzaflow-services-collector`). */
  name: string;
  inputs: Record<string, unknown>;
  /** What the mock answered: the inputs plus computed outputs. */
  state: Record<string, unknown>;
  id: string;
}

export interface RenderedProgram {
  resources: Recorded[];
  outputs: Record<string, unknown>;
  ofType(type: string): Recorded[];
  named(name: string): Recorded;
}

/** Computed outputs of a resource (URLs, emails, ids), by type; the mock merges them over the inputs. */
export type ComputeState = (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>;
/** Answers a data-source call (`gcp:organizations/getProject:getProject` …). */
export type AnswerCall = (token: string, inputs: Record<string, unknown>) => Record<string, unknown>;

export interface RenderOptions {
  stack: string;
  /** Fully qualified keys (`gcp:project`, `pizzaflow:alertEmail`); structured values as JSON text. */
  config: Record<string, string>;
  /** Secret configuration values by fully qualified key (set with `pulumi config set --secret`). */
  secrets: Readonly<Record<string, string>>;
  computeState: ComputeState;
  answerCall: AnswerCall;
  repoRoot: string;
  /** Loads @pulumi/pulumi and the program; tests pass fresh module copies (jest.isolateModules). */
  load?: () => { pulumi: typeof Pulumi; runProgram: (repoRoot: string) => Record<string, unknown> };
}

// js-yaml (also a dependency of @pulumi/pulumi) ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

/** A stack file's configuration as Pulumi hands it to the program: every value a string, objects as JSON. */
export function stackConfig(repoRoot: string, stack: string): Record<string, string> {
  const parsed = yaml.load(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), 'utf8')) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(parsed.config).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]));
}

function defaultLoad(): ReturnType<NonNullable<RenderOptions['load']>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require('@pulumi/pulumi') as typeof Pulumi;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runProgram } = require('../../infra/program') as { runProgram: (repoRoot: string) => Record<string, unknown> };
  return { pulumi, runProgram };
}

/** Renders the program and waits for every registration (those that wait on other outputs land later). */
export async function renderProgram(o: RenderOptions): Promise<RenderedProgram> {
  const resources: Recorded[] = [];
  const { pulumi, runProgram } = (o.load ?? defaultLoad)();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = args.inputs as Record<string, unknown>;
        const state = { ...inputs, ...o.computeState(args.type, args.name, inputs) };
        const id = typeof state.id === 'string' ? state.id : `${args.name}-id`;
        resources.push({ type: args.type, name: args.name, inputs, state, id });
        return { id, state };
      },
      call: (args) => o.answerCall(args.token, args.inputs as Record<string, unknown>),
    },
    'pizzaflow',
    o.stack,
    false,
  );
  pulumi.runtime.setAllConfig({ ...o.config, ...o.secrets }, Object.keys(o.secrets));
  const program = runProgram(o.repoRoot);
  const outputs = Object.fromEntries(await Promise.all(Object.entries(program).map(async ([k, v]) => [k, await settle(pulumi, v)] as const)));
  await waitForStableCount(resources);
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

async function settle(pulumi: typeof Pulumi, value: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    (pulumi.output(value as Pulumi.Input<unknown>) as Pulumi.Output<unknown>).apply((v) => resolve(v));
  });
}

async function waitForStableCount(resources: Recorded[]): Promise<void> {
  let last = -1;
  let quiet = 0;
  while (quiet < 5) {
    await new Promise((r) => setTimeout(r, 10));
    quiet = resources.length === last ? quiet + 1 : 0;
    last = resources.length;
  }
}
