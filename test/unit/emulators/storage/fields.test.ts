// Partial responses: the `fields` parameter (https://cloud.google.com/storage/docs/json_api#partial-response).
import { applySelection, FieldsError, parseFields } from '../../../../emulators/storage/fields';

const list = {
  kind: 'storage#objects',
  nextPageToken: 't',
  items: [
    { name: 'a', size: '1', metadata: { k: 'v', x: 'y' } },
    { name: 'b', size: '2' },
  ],
};

describe('fields', () => {
  it('keeps top-level fields', () => {
    expect(applySelection(list, parseFields('kind,nextPageToken'))).toEqual({ kind: 'storage#objects', nextPageToken: 't' });
  });

  it('selects inside each element of an array with items(name,size)', () => {
    expect(applySelection(list, parseFields('items(name,size)'))).toEqual({ items: [{ name: 'a', size: '1' }, { name: 'b', size: '2' }] });
  });

  it('follows a/b paths and merges repeated selections', () => {
    expect(applySelection(list, parseFields('items/name,items/metadata/k'))).toEqual({ items: [{ name: 'a', metadata: { k: 'v' } }, { name: 'b' }] });
    expect(applySelection(list, parseFields('items(name),items'))).toEqual({ items: list.items });
  });

  it('selects everything with *', () => {
    expect(applySelection(list, parseFields('items(*)'))).toEqual({ items: list.items });
  });

  it('refuses malformed selections', () => {
    for (const bad of ['items(name', 'a,,b', '(x)', 'a/']) expect(() => parseFields(bad)).toThrow(FieldsError);
  });
});
