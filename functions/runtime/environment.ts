// The environment a function's configuration is read from: process.env, as on Cloud Run, unless a
// host that runs several functions in one process (the local functions host) gives each request
// the environment its function declares (withEnvironment). The scope follows the request through
// every await, so a function's lazily built configuration sees its own variables and not another's.
import { AsyncLocalStorage } from 'node:async_hooks';

const scoped = new AsyncLocalStorage<NodeJS.ProcessEnv>();

/** Runs `work` (and everything it awaits) with `env` as the function's environment. */
export function withEnvironment<T>(env: NodeJS.ProcessEnv, work: () => T): T {
  return scoped.run(env, work);
}

/** The environment of the function running now: the host's scope for it, else process.env. */
export function functionEnvironment(): NodeJS.ProcessEnv {
  return scoped.getStore() ?? process.env;
}
