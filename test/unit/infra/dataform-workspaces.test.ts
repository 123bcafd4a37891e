// Dataform developer workspaces under the mock runtime: the repository compiles them with a schema
// suffix, so they write to suffixed datasets, and the program creates every one of those, where the
// release's are, with the grant the runner needs. The datasets expected come from the Dataform
// project compiled as a workspace compiles it (what its actions write), not from infra/.
import { loadCatalog } from '../../../contracts/catalog';
import { compileWorkspace } from '../dataform/workspace-graph';
import { renderStack, stackConfig, type RenderedStack } from './mock-stack';

const DATASET = 'gcp:bigquery/dataset:Dataset';
const ACCESS = 'gcp:bigquery/datasetAccess:DatasetAccess';
const TABLE_IAM = 'gcp:bigquery/iamMember:IamMember';
const REPOSITORY = 'gcp:dataform/repository:Repository';

const devConfig = stackConfig('dev');
const prodConfig = stackConfig('prod');
let dev: RenderedStack;
let prod: RenderedStack;
let renamed: RenderedStack;
/** The release datasets whose twins a workspace run writes: its actions' datasets, the suffix taken off. */
let written: string[];

beforeAll(async () => {
  const suffix = '_workspace';
  const graph = await compileWorkspace(suffix.slice(1));
  const targets = [...(graph.tables ?? []), ...(graph.assertions ?? []), ...(graph.operations ?? [])].map((a) => a.target.schema);
  expect(targets.filter((schema) => !schema.endsWith(suffix))).toEqual([]);
  written = [...new Set(targets.map((schema) => schema.slice(0, -suffix.length)))].sort();
  dev = await renderStack(devConfig, 'dev');
  prod = await renderStack(prodConfig, 'prod');
  renamed = await renderStack({ ...devConfig, 'pizzaflow:dataformWorkspaceSchemaSuffix': 'sandbox' }, 'dev');
}, 180_000);

const datasets = (stack: RenderedStack) => new Map(stack.ofType(DATASET).map((r) => [String(r.inputs.datasetId), r.inputs]));
const editors = (stack: RenderedStack, datasetId: string) =>
  stack
    .ofType(ACCESS)
    .filter((r) => r.inputs.datasetId === datasetId && r.inputs.role === 'roles/bigquery.dataEditor')
    .map((r) => String(r.inputs.userByEmail));
/** Who edits tables of the dataset through table-level grants. */
const tableEditors = (stack: RenderedStack, datasetId: string) =>
  stack
    .ofType(TABLE_IAM)
    .filter((r) => r.inputs.datasetId === datasetId && r.inputs.role === 'roles/bigquery.dataEditor')
    .map((r) => String(r.inputs.member).replace(/^serviceAccount:/, ''));

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
    // The run lease and the run record included: a workspace keeps its own in ops_<suffix>.
    expect(written).toEqual(expect.arrayContaining(['ops', 'staging', 'marts', 'dataform_assertions']));
    for (const base of written) {
      const id = `${base}_${suffix}`;
      expect({ id, created: created.has(id) }).toEqual({ id, created: true });
      expect(created.get(id)!.location).toBe(created.get(base)!.location);
      expect(editors(stack, id)).toEqual([expect.stringMatching(/^pf-dataform@/)]);
      // pf-dataform edits what it writes in the release's dataset too: the whole dataset, or (ops) its
      // two run-control tables, which a workspace run creates in the twin (so dataEditor on the twin).
      expect([...editors(stack, base), ...tableEditors(stack, base)]).toEqual(expect.arrayContaining(editors(stack, id)));
    }
  });

  test('only the datasets Dataform writes get a workspace twin: the ones it owns, and ops for the run control; raw is not suffixed', () => {
    const catalog = loadCatalog();
    const owned = catalog.datasets.filter((d) => d.ownedBy === 'dataform').map((d) => d.id);
    const writtenTables = catalog.tables.filter((t) => t.writtenBy === 'dataform').map((t) => t.dataset);
    expect([...new Set(writtenTables)]).toEqual(['ops']);
    const twins = [...datasets(dev).keys()].filter((id) => id.endsWith('_workspace')).sort();
    expect(twins).toEqual([...owned, 'ops'].map((id) => `${id}_workspace`).sort());
    expect(twins).not.toContain('raw_workspace');
    // Exactly what the actions of a workspace compile write.
    expect(twins).toEqual(written.map((id) => `${id}_workspace`));
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
