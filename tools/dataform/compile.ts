// Compiles the Dataform project in-process with the pinned @dataform/core, the way the official CLI's
// compile worker does (a vm2 sandbox whose require root is the project), and decodes the graph.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as protobuf from 'protobufjs';
import type { CompiledGraph } from './types';

export class DataformCompileError extends Error {
  constructor(
    message: string,
    readonly errors: readonly { fileName?: string; message?: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DataformCompileError';
  }
}

export interface CompileOptions {
  /** Overrides workflow_settings.yaml vars (the CLI's --vars). */
  vars?: Record<string, string>;
  /** Overrides defaultProject (the run's BigQuery project). */
  defaultDatabase?: string;
}

interface NodeVmLike {
  run(code: string, filename: string): unknown;
}
type NodeVmCtor = new (options: Record<string, unknown>) => NodeVmLike;
interface CoreModule {
  compiler: (code: string, path: string) => string;
  main: (request: string) => string;
}

const coreDir = dirname(require.resolve('@dataform/core/package.json'));

function listFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir))) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const rel = dir ? `${dir}${sep}${entry}` : entry;
    if (statSync(join(root, rel)).isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out.sort();
}

let protoRoot: protobuf.Root | undefined;
function protos(): protobuf.Root {
  if (!protoRoot) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') || target.startsWith('/') ? target : join(coreDir, target));
    protoRoot = root.loadSync(join(coreDir, 'core.proto'), { keepCase: false });
  }
  return protoRoot;
}

/** Compiles `projectDir` (a folder with workflow_settings.yaml) to the compiled graph. */
export function compileProject(projectDir: string, options: CompileOptions = {}): CompiledGraph {
  const dir = resolve(projectDir);
  if (!existsSync(join(dir, 'workflow_settings.yaml'))) throw new DataformCompileError(`${dir} has no workflow_settings.yaml`);
  // vm2 is what the official CLI sandboxes project code with; loaded lazily (it is CommonJS, untyped).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { NodeVM } = require('vm2') as { NodeVM: NodeVmCtor };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const core = require('@dataform/core') as CoreModule;
  const corePath = require.resolve('@dataform/core');
  // core >= 3.0.57 asks the sandbox which project file is being evaluated (the CLI does the same).
  const fileStack: string[] = [];
  const vm = new NodeVM({
    wrapper: 'none',
    sandbox: {
      __df_enter: (p: string) => fileStack.push(p),
      __df_exit: () => fileStack.pop(),
      __df_current: () => (fileStack.length > 0 ? fileStack[fileStack.length - 1] : null),
    },
    require: {
      builtin: ['path'],
      context: 'sandbox',
      external: true,
      root: [dir, coreDir],
      resolve: (moduleName: string) => (moduleName === '@dataform/core' ? corePath : join(dir, moduleName)),
    },
    sourceExtensions: ['js', 'sql', 'sqlx', 'yaml', 'yml'],
    compiler: (code: string, filePath: string) =>
      filePath === corePath
        ? code
        : `__df_enter(${JSON.stringify(filePath)});\ntry {\n${core.compiler(code, filePath)}\n} finally {\n  __df_exit();\n}`,
  });
  const request = protos().lookupType('dataform.CoreExecutionRequest');
  const projectConfigOverride: Record<string, unknown> = {};
  if (options.vars) projectConfigOverride.vars = options.vars;
  if (options.defaultDatabase) projectConfigOverride.defaultDatabase = options.defaultDatabase;
  const encoded = Buffer.from(
    request.encode(request.fromObject({ compile: { compileConfig: { projectDir: dir, filePaths: listFiles(dir), projectConfigOverride } } })).finish(),
  ).toString('base64');
  let result: string;
  try {
    result = vm.run(
      `Object.defineProperty(global, '__dataform_current_file', { configurable: true, get: function () { return __df_current(); } });
       global.workflowSettingsYaml = require("./workflow_settings.yaml");
       return require("@dataform/core").main("${encoded}");`,
      join(dir, 'index.js'),
    ) as string;
  } catch (cause) {
    throw new DataformCompileError(`compiling ${relative(process.cwd(), dir) || '.'} failed: ${(cause as Error).message}`, [], { cause });
  }
  const response = protos().lookupType('dataform.CoreExecutionResponse');
  const decoded = response.toObject(response.decode(Buffer.from(result, 'base64')), { longs: Number, enums: String, defaults: false }) as {
    compile?: { compiledGraph?: CompiledGraph };
  };
  const graph = decoded.compile?.compiledGraph ?? {};
  const errors = graph.graphErrors?.compilationErrors ?? [];
  if (errors.length > 0) {
    throw new DataformCompileError(`${errors.length} compilation error(s): ${errors.map((e) => `${e.fileName}: ${e.message}`).join('; ')}`, errors);
  }
  return graph;
}
