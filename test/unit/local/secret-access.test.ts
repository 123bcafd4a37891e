// The local stack enforces what decides whether a function can start in Google Cloud: its service
// account must hold roles/secretmanager.secretAccessor on each secret it references. Take one grant
// out of the rendered program and the function stops, naming its account and the secret.
import { localFunctions, SecretAccessError, TYPES } from '../../../tools/local/apply-program';
import { localDefaults } from '../../../tools/local/environment';
import { renderLocalStack } from '../../../tools/local/local-stack';
import type { RenderedProgram } from '../../../tools/local/render-program';
import { packageInfo } from '../../../functions/runtime/package-info';

let program: RenderedProgram;
beforeAll(async () => {
  const env: NodeJS.ProcessEnv = {};
  Object.assign(env, localDefaults(env, 'pizzaflow-local').set);
  program = await renderLocalStack({ repoRoot: packageInfo().root, env, project: 'pizzaflow-local', functionsUrl: 'http://127.0.0.1:1' });
}, 120_000);

const without = (drop: (r: RenderedProgram['resources'][number]) => boolean): RenderedProgram => {
  const resources = program.resources.filter((r) => !drop(r));
  return { ...program, resources, ofType: (t) => resources.filter((r) => r.type === t) };
};

test('every function of the program may read each secret it references', () => {
  const functions = localFunctions(program);
  expect(Object.keys(functions).sort()).toEqual(expect.arrayContaining(['collector', 'ingest', 'metrics-api']));
  expect(functions.collector!.env.PIZZAFLOW_API_KEYS).toBeDefined();
});

test("the collector without its grant on the API-keys secret does not start: the error names the collector, its account and the secret", () => {
  const grants = program.ofType(TYPES.secretIamMember).filter((g) => String(g.inputs.secretId).endsWith('collector-api-keys') && String(g.inputs.member).includes('pf-collector@'));
  expect(grants).toHaveLength(1);
  let error: unknown;
  try {
    localFunctions(without((r) => r === grants[0]));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SecretAccessError);
  expect(error).toMatchObject({ functionName: 'collector', secret: expect.stringMatching(/collector-api-keys$/), serviceAccount: expect.stringMatching(/^pf-collector@/) });
});
