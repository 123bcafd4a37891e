// Each function's entry point registers with the functions framework under the catalog's entryPoint
// (Cloud Run's function target) and with the catalog's signature: a mismatch deploys a service that
// cannot find its function, or invokes it the wrong way.
import { loadCatalog } from '../../../contracts/catalog';

const mockRegistrations: { target: string; signature: 'http' | 'cloudevent' }[] = [];

jest.mock('@google-cloud/functions-framework', () => ({
  http: (target: string) => mockRegistrations.push({ target, signature: 'http' }),
  cloudEvent: (target: string) => mockRegistrations.push({ target, signature: 'cloudevent' }),
}));

describe('function entry points', () => {
  it('register every catalog function under its entryPoint with its signature', () => {
    for (const f of loadCatalog().functions) {
      // The catalog's `source` is the entry point's folder; registering reads no configuration.
      jest.isolateModules(() => require(`../../../${f.source}`));
    }
    const declared = loadCatalog().functions.map((f) => ({ target: f.entryPoint, signature: f.signature }));
    expect(mockRegistrations).toEqual(declared);
  });

  it('declares ingest as HTTP: push subscriptions deliver plain push bodies, not CloudEvents', () => {
    expect(loadCatalog().functions.find((f) => f.name === 'ingest')).toMatchObject({ entryPoint: 'ingest', signature: 'http' });
  });
});
