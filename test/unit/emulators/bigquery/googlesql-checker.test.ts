// Strict mode's pure parts: the catalog handed to ZetaSQL (every way BigQuery names a table), type
// conversions both ways, BigQuery's error wording, and numeric type alignment of results.
import { analyzerGap, bigQueryWording, buildCatalog, fieldFromType, typeProto } from '../../../../emulators/bigquery/googlesql/checker';
import { alignNumericTypes } from '../../../../emulators/bigquery/result-shape';
import { type FieldSchema } from '../../../../emulators/bigquery/schema';

const fields: FieldSchema[] = [
  { name: 'id', type: 'INTEGER', mode: 'REQUIRED' },
  { name: 'items', type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'sku', type: 'STRING', mode: 'NULLABLE' }] },
];

describe('GoogleSQL checker', () => {
  it('registers flat and nested names, d.t forms only for the query project, t alone in the default dataset', () => {
    const cat = buildCatalog(
      [
        { projectId: 'p', datasetId: 'd', tableId: 't', fields, ingestionTime: true },
        { projectId: 'other', datasetId: 'd2', tableId: 'u', fields: [], ingestionTime: false },
      ],
      { projectId: 'p', defaultDataset: 'd' },
    );
    expect(cat.table?.map((t) => t.name)).toEqual(['p.d.t', 'd.t', 't', 'other.d2.u']);
    expect(cat.catalog?.map((c) => c.name)).toEqual(['p', 'p.d', 'd', 'other', 'other.d2']);
    expect(cat.catalog?.[0].catalog?.[0].table?.[0].name).toBe('t');
    const cols = cat.table?.[0].column?.map((c) => `${c.name}${c.isPseudoColumn ? '*' : ''}`);
    expect(cols).toEqual(['id', 'items', '_PARTITIONTIME*', '_PARTITIONDATE*']);
  });

  it('converts schemas to ZetaSQL types and analyzer output back', () => {
    expect(typeProto(fields[1])).toEqual({
      typeKind: 'TYPE_ARRAY',
      arrayType: { elementType: { typeKind: 'TYPE_STRUCT', structType: { field: [{ fieldName: 'sku', fieldType: { typeKind: 'TYPE_STRING' } }] } } },
    });
    expect(fieldFromType('n', { typeKind: 23, arrayType: null, structType: null })).toEqual({ name: 'n', type: 'NUMERIC', mode: 'NULLABLE' });
    expect(fieldFromType('a', { typeKind: 16, arrayType: { elementType: { typeKind: 19, arrayType: null, structType: null } }, structType: null })).toEqual({
      name: 'a',
      type: 'TIMESTAMP',
      mode: 'REPEATED',
    });
  });

  it("words errors as BigQuery does: 'at [line:column]'", () => {
    expect(bigQueryWording('Unrecognized name: x [at 1:8]')).toBe('Unrecognized name: x at [1:8]');
  });

  it('aligns only top-level numeric columns to the analyzer types, never to INT64', () => {
    const duck: FieldSchema[] = [
      { name: 'a', type: 'FLOAT', mode: 'NULLABLE' },
      { name: 'b', type: 'NUMERIC', mode: 'NULLABLE' },
      { name: 'c', type: 'FLOAT', mode: 'NULLABLE' },
      { name: 'd', type: 'STRING', mode: 'NULLABLE' },
    ];
    const google: FieldSchema[] = [
      { name: 'a', type: 'NUMERIC', mode: 'NULLABLE' },
      { name: 'b', type: 'FLOAT', mode: 'NULLABLE' },
      { name: 'c', type: 'INTEGER', mode: 'NULLABLE' },
      { name: 'd', type: 'JSON', mode: 'NULLABLE' },
    ];
    expect(alignNumericTypes(duck, google).map((f) => f.type)).toEqual(['NUMERIC', 'FLOAT', 'FLOAT', 'STRING']);
    expect(alignNumericTypes(duck, undefined)).toBe(duck);
  });
});

describe('analyzerGap', () => {
  it("takes the analyzer's not-found for functions and the INTERVAL type BigQuery has since added as no verdict", () => {
    expect(analyzerGap('Function not found: CONTAINS_SUBSTR [at 1:8]')).toBe(true);
    expect(analyzerGap('Function not found: `GROUPING` [at 1:57]')).toBe(true);
    expect(analyzerGap('Type not found: `INTERVAL` [at 1:29]')).toBe(true);
    expect(analyzerGap('GROUP BY GROUPING SETS is unsupported [at 3:133]')).toBe(true);
    expect(analyzerGap('GROUP BY ALL is not supported [at 3:194]')).toBe(true);
    expect(analyzerGap('No matching signature for operator - for argument types: DATE, DATE. Supported signatures: INT64 - INT64')).toBe(true);
  });

  it('keeps every other refusal a verdict: unknown functions, other signatures, syntax', () => {
    expect(analyzerGap('Function not found: DATEADD [at 1:8]')).toBe(false);
    expect(analyzerGap('No matching signature for operator - for argument types: STRING, INT64.')).toBe(false);
    expect(analyzerGap('Syntax error: Unexpected keyword FROM [at 1:8]')).toBe(false);
  });
});
