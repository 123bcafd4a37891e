// The local platform's infrastructure is the Pulumi program: the `local` stack (Pulumi.local.yaml)
// rendered under the mock runtime with local answers (URLs of the local hosts), then applied to the
// emulators. Secrets are the stack's secret configuration, taken from the environment the platform
// runs with (its printed local defaults when unset), as `pulumi config set --secret` would hold them.
import { loadCatalog } from '../../contracts/catalog';
import { applyProgram, localAnswerCall, localComputeState, type ApplyClients, type AppliedProgram, type LocalServingStore } from './apply-program';
import { renderProgram, stackConfig, type RenderedProgram } from './render-program';

export const LOCAL_STACK = 'local';

export interface LocalStackOptions {
  repoRoot: string;
  /** The environment whose secret variables become the stack's secret configuration. */
  env: NodeJS.ProcessEnv;
  /** Overrides Pulumi.local.yaml's project (GOOGLE_CLOUD_PROJECT of the platform). */
  project?: string;
  /** Base URL under which each function is served at `/<function name>`. */
  functionsUrl: string;
  /** Edits the stack configuration before rendering (tests break the program this way). */
  editConfig?: (config: Record<string, string>) => void;
  /** The local redis-server that answers for the program's Memorystore instance (tools/local/redis.ts). */
  servingStore?: LocalServingStore;
}

/** Secret configuration keys → values, from the variables each catalog secret is read from. */
export function localSecrets(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of loadCatalog().secrets) {
    const value = env[s.env];
    if (value) out[`pizzaflow:${s.configKey}`] = value;
  }
  return out;
}

export async function renderLocalStack(o: LocalStackOptions): Promise<RenderedProgram> {
  const config = stackConfig(o.repoRoot, LOCAL_STACK);
  if (o.project) config['gcp:project'] = o.project;
  o.editConfig?.(config);
  const base = o.functionsUrl.replace(/\/+$/, '');
  return renderProgram({
    stack: LOCAL_STACK,
    config,
    secrets: localSecrets(o.env),
    repoRoot: o.repoRoot,
    computeState: localComputeState({ project: config['gcp:project']!, functionUrl: (name) => `${base}/${name}`, ...(o.servingStore ? { servingStore: o.servingStore } : {}) }),
    answerCall: localAnswerCall,
  });
}

/** Renders the local stack and applies it to the emulators the clients point at. */
export async function deployLocalStack(o: LocalStackOptions, clients: ApplyClients): Promise<AppliedProgram & { program: RenderedProgram }> {
  const program = await renderLocalStack(o);
  return { ...(await applyProgram(program, clients)), program };
}
