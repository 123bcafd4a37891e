// JSON constructors' results put in BigQuery's stored form (members sorted by key).
import { expandJsonConstructors, markJsonConstructors } from '../../../../../emulators/bigquery/sql/rewrites/json-constructors';
import { join, tokenize } from '../../../../../emulators/bigquery/sql/tokens';

describe('JSON constructors', () => {
  it('wraps JSON_OBJECT, TO_JSON, PARSE_JSON and JSON_ARRAY, nested ones too, and leaves other JSON functions alone', () => {
    const marked = join(markJsonConstructors(tokenize("SELECT JSON_OBJECT('a', TO_JSON(s)), JSON_QUERY(j, '$.a'), PARSE_JSON(t)")));
    expect(marked).toBe("SELECT PF_JSON_SORTED(JSON_OBJECT('a', PF_JSON_SORTED(TO_JSON(s)))), JSON_QUERY(j, '$.a'), PF_JSON_SORTED(PARSE_JSON(t))");
  });

  it('expands the mark into the canonical form of the value, as JSON', () => {
    expect(join(expandJsonConstructors(tokenize('SELECT PF_JSON_SORTED(json_object(1))')))).toBe('SELECT CAST(pf_json_canonical(CAST(json_object(1) AS VARCHAR)) AS JSON)');
  });
});
