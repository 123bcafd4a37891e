import { canonicalJson } from '../../../../emulators/bigquery/json-canonical';

describe('canonicalJson', () => {
  it("sorts every object's members by key (UTF-8 bytes: upper case first) and drops whitespace", () => {
    expect(canonicalJson('{"city": "New York", "State": "NY"}')).toBe('{"State":"NY","city":"New York"}');
    expect(canonicalJson('{"foo":10,"bar":{"z":[{"b":1,"a":2}],"y":null}}')).toBe('{"bar":{"y":null,"z":[{"a":2,"b":1}]},"foo":10}');
  });

  it('keeps the text of numbers and strings exactly, and scalars and arrays as they are', () => {
    expect(canonicalJson('[1.50, 12345678901234567890, "a\\u00e9", true, null]')).toBe('[1.50,12345678901234567890,"a\\u00e9",true,null]');
    expect(canonicalJson('"x"')).toBe('"x"');
  });

  it('returns text that is not JSON unchanged', () => {
    expect(canonicalJson('{"a":')).toBe('{"a":');
  });
});
