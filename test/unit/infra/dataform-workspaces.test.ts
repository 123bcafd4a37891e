// Dataform developer workspaces under the mock runtime: the repository compiles them with a schema
// suffix, so they write to suffixed datasets, and the program creates every one of those, where the
// release's are, with the grant the runner needs. The datasets expected come from the compiled
// Dataform project (what its actions write), not from infra/.
import { loadCatalog } from '../../../contracts/catalog';
import { compileProject } from '../../../tools/dataform';
import { renderStack, stackConfig, type RenderedStack } from './mock-stack';

const DATASET = 'gcp:bigquery/dataset:Dataset';
const ACCESS = 'gcp:bigquery/datasetAccess:DatasetAccess';
const REPOSITORY = 'gcp:dataform/repository:Repository';

const devConfig = stackConfig('dev');
const prodConfig = stackConfig('prod');
let dev: RenderedStack;
let prod: RenderedStack;
let renamed: RenderedStack;

beforeAll(async () => {
  dev = await renderStack(devConfig, 'dev');
  prod = await renderStack(prodConfig, 'prod');
  renamed = await renderStack({ ...devConfig, 'pizzaflow:dataformWorkspaceSchemaSuffix': 'sandbox' }, 'dev');
}, 180_000);

/** Datasets the Dataform project's actions write: its tables and views, assertions and operations. */
let written: string[] | undefined;
function writtenDatasets(): string[] {
  if (written) return written;
  const graph = compileProject('dataform');
  const targets = [...(graph.tables ?? []), ...(graph.assertions ?? []), ...(graph.operations ?? [])].map((a) => a.target.schema);
  return (written = [...new Set(targets)].sort());
}

const datasets = (stack: RenderedStack) => new Map(stack.ofType(DATASET).map((r) => [String(r.inputs.datasetId), r.inputs]));
const editors = (stack: RenderedStack, datasetId: string) =>
  stack
    .ofType(ACCESS)
    .filter((r) => r.inputs.datasetId === datasetId && r.inputs.role === 'roles/bigquery.dataEditor')
    .map((r) => String(r.inputs.userByEmail));

describe('Dataform workspaces', () => {
  test.each([
    ['dev', 'workspace'],
    ['sandbox suffix', 'sandbox'],
  ] as const)('%s: the repository suffixes workspace datasets with "%s"', (name, suffix) => {
    const stack = name === 'dev' ? dev : renamed;
    expect(stack.ofType(REPOSITORY)[0]!.inputs.workspaceCompilationOverrides).toEqual({ defaultDatabase: devConfig['gcp:project'], schemaSuffix: suffix });
  });

  test.each([
    ['dev', 'workspace'],
    ['sandbox suffix', 'sandbox'],
  ] as const)('%s: every dataset a workspace run writes to exists, beside the release datasets, and pf-dataform edits it', (name, suffix) => {
    const stack = name === 'dev' ? dev : renamed;
    const created = datasets(stack);
    expect(writtenDatasets().length).toBeGreaterThan(0);
    for (const base of writtenDatasets()) {
      const id = `${base}_${suffix}`;
      expect({ id, created: created.has(id) }).toEqual({ id, created: true });
      expect(created.get(id)!.location).toBe(created.get(base)!.location);
      expect(editors(stack, id)).toEqual([expect.stringMatching(/^pf-dataform@/)]);
      // The same grant as on the release's dataset.
      expect(editors(stack, base)).toEqual(expect.arrayContaining(editors(stack, id)));
    }
  });

  test('only the datasets Dataform owns get a workspace twin: sources (raw, ops) are not suffixed', () => {
    const owned = loadCatalog().datasets.filter((d) => d.ownedBy === 'dataform').map((d) => d.id);
    const twins = [...datasets(dev).keys()].filter((id) => id.endsWith('_workspace')).sort();
    expect(twins).toEqual(owned.map((id) => `${id}_workspace`).sort());
    // What the actions write is a subset of what the catalog says Dataform owns.
    expect(owned).toEqual(expect.arrayContaining(writtenDatasets()));
  });

  test("prod: workspace datasets use the release's key, and can be destroyed with their contents", () => {
    const created = datasets(prod);
    const twins = [...created.keys()].filter((k) => k.endsWith('_workspace'));
    expect(twins.length).toBeGreaterThan(0);
    for (const id of twins) {
      const base = id.slice(0, -'_workspace'.length);
      expect(created.get(id)!.defaultEncryptionConfiguration).toEqual(created.get(base)!.defaultEncryptionConfiguration);
      expect(created.get(id)!.defaultEncryptionConfiguration).toEqual({ kmsKeyName: prodConfig['pizzaflow:kmsKeyName'] });
      expect(created.get(id)!.deleteContentsOnDestroy).toBe(true);
    }
  });
});
