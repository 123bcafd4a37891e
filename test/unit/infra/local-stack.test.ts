// The local stack is the dev stack with other configuration values: both render to the same resource
// graph (types, names, wiring), and every configuration difference is listed in docs/local-stack.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, renderStack, stackConfig, type RenderedStack } from './mock-stack';

let dev: RenderedStack;
let local: RenderedStack;
const devConfig = stackConfig('dev');
const localConfig = stackConfig('local');

beforeAll(async () => {
  dev = await renderStack(devConfig, 'dev');
  local = await renderStack(localConfig, 'local');
}, 180_000);

/** The edges that decide whether the pipeline works, with the project id taken out. */
function wiring(stack: RenderedStack, project: string): string[] {
  const strip = (v: unknown) => String(v).split(project).join('<project>');
  const edges: string[] = [];
  for (const r of stack.resources) {
    const i = r.inputs;
    switch (r.type) {
      case 'gcp:pubsub/subscription:Subscription': {
        const push = i.pushConfig as { pushEndpoint?: string; oidcToken?: { serviceAccountEmail: string } } | undefined;
        const dl = i.deadLetterPolicy as { deadLetterTopic: string; maxDeliveryAttempts: number } | undefined;
        edges.push(strip(`subscription ${String(i.name)} topic=${String(i.topic)} push=${push?.pushEndpoint ?? '-'} as=${push?.oidcToken?.serviceAccountEmail ?? '-'} dl=${dl ? `${dl.deadLetterTopic}/${dl.maxDeliveryAttempts}` : '-'}`));
        break;
      }
      case 'gcp:cloudfunctionsv2/function:Function': {
        const s = i.serviceConfig as { serviceAccountEmail: string; ingressSettings: string; environmentVariables: Record<string, string>; secretEnvironmentVariables: { key: string; secret: string }[] };
        edges.push(strip(`function ${String(i.name)} as=${s.serviceAccountEmail} ingress=${s.ingressSettings} env=${Object.keys(s.environmentVariables).sort().join(',')} secrets=${s.secretEnvironmentVariables.map((x) => `${x.key}:${x.secret}`).sort().join(',')}`));
        break;
      }
      case 'gcp:cloudscheduler/job:Job':
        edges.push(strip(`job ${String(i.name)} ${JSON.stringify(i.httpTarget)}`));
        break;
      default:
        if (/IAMMember|IamMember|DatasetAccess/.test(r.type)) edges.push(strip(`${r.type} ${r.name} ${String(i.role)} ${String(i.member ?? i.userByEmail ?? '')}`.replace(/(analytics|logistics|sales)-(dev|local)@/g, '$1@')));
    }
  }
  return edges.sort();
}

test('local and dev declare the same resources: types and names', () => {
  const names = (s: RenderedStack) => s.resources.map((r) => `${r.type} ${r.name}`).sort();
  expect(names(local)).toEqual(names(dev));
});

test('local and dev wire them the same way: push targets and identities, function identities, environment and secrets, schedules, grants', () => {
  expect(wiring(local, 'pizzaflow-local')).toEqual(wiring(dev, 'pizzaflow-dev'));
});

test('every configuration key that differs between local and dev is documented in docs/local-stack.md', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'local-stack.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `([a-z]+:[A-Za-z]+)` \|/gm)].map((m) => m[1]!));
  const keys = new Set([...Object.keys(devConfig), ...Object.keys(localConfig)]);
  const differing = [...keys].filter((k) => devConfig[k] !== localConfig[k] && !(k === 'pizzaflow:merchantPrincipals' && devConfig[k] === localConfig[k]));
  expect(differing.filter((k) => !documented.has(k)).sort()).toEqual([]);
  // And the doc lists no difference that is not there.
  expect([...documented].filter((k) => !differing.includes(k)).sort()).toEqual([]);
});
