// The local executor compiles the scheduled runs as the program's Dataform release config does:
// a var set in the stack's configuration reaches the compiled graph, and so does its project.
import { packageInfo } from '../../../functions/runtime/package-info';
import { compileProject } from '../../../tools/dataform';
import { localDefaults } from '../../../tools/local/environment';
import { renderLocalStack } from '../../../tools/local/local-stack';
import { releaseCompilation } from '../../../tools/local/platform';

test("the release config's project and vars (pizzaflow:dataformVars) are what the local executor compiles with", async () => {
  const env: NodeJS.ProcessEnv = {};
  Object.assign(env, localDefaults(env, 'pizzaflow-local').set);
  const program = await renderLocalStack({
    repoRoot: packageInfo().root,
    env,
    project: 'pizzaflow-local',
    functionsUrl: 'http://127.0.0.1:1',
    editConfig: (config) => {
      config['pizzaflow:dataformVars'] = JSON.stringify({ freshness_max_minutes: '95' });
    },
  });
  const release = releaseCompilation(program);
  expect(release).toEqual({ defaultDatabase: 'pizzaflow-local', vars: { freshness_max_minutes: '95' } });
  const graph = compileProject('dataform', { vars: release.vars, defaultDatabase: release.defaultDatabase });
  const checks = graph.tables?.find((t) => t.target.name === 'partition_checks');
  expect(checks?.query).toContain('interval 95 minute');
  expect(checks?.target.database).toBe('pizzaflow-local');
}, 120_000);
