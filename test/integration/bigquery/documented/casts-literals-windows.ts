// Examples and stated rules of the pages on window function calls, conversion rules and casts, and
// lexical structure / data types literals (written from the pages; ids continue the numbering of
// anchors already in the corpus, so conversion_functions#cast_as_string-n stays unique).
import { type DocumentedCase, family, scalar } from './case';
import { CONVERSION_FUNCTIONS } from './other-functions';

/** A family whose ids continue after the corpus's existing cases of the same page and anchor. */
function continued(page: string, existing: DocumentedCase[], entries: Parameters<typeof family>[1]): DocumentedCase[] {
  const seen = new Map<string, number>();
  return family(page, entries).map((c) => {
    const anchor = c.source.slice(c.source.indexOf('#') + 1);
    const n = (seen.get(anchor) ?? existing.filter((e) => e.source === c.source).length) + 1;
    seen.set(anchor, n);
    return { ...c, id: `${page}#${anchor}-${n}` };
  });
}

const PRODUCE = `WITH Produce AS (
  SELECT 'kale' AS item, 23 AS purchases, 'vegetable' AS category
  UNION ALL SELECT 'banana', 2, 'fruit'
  UNION ALL SELECT 'cabbage', 9, 'vegetable'
  UNION ALL SELECT 'apple', 8, 'fruit'
  UNION ALL SELECT 'leek', 2, 'vegetable'
  UNION ALL SELECT 'lettuce', 10, 'vegetable')`;

const EMPLOYEES = `WITH Employees AS (
  SELECT 'Isabella' AS name, 2 AS department, DATE(1997, 09, 28) AS start_date
  UNION ALL SELECT 'Anthony', 1, DATE(1995, 11, 29)
  UNION ALL SELECT 'Daniel', 2, DATE(2004, 06, 24)
  UNION ALL SELECT 'Andrew', 1, DATE(1999, 01, 23)
  UNION ALL SELECT 'Jacob', 1, DATE(1990, 07, 11)
  UNION ALL SELECT 'Jose', 2, DATE(2013, 03, 17))`;

const produceRows = (values: Record<string, unknown>) => Object.entries(values).map(([item, v]) => ({ item, v }));

export const WINDOW_FUNCTION_CALLS = family('window-function-calls', [
  ['compute_a_grand_total', `${PRODUCE} SELECT item, SUM(purchases) OVER () AS v FROM Produce`, produceRows({ kale: 54, banana: 54, cabbage: 54, apple: 54, leek: 54, lettuce: 54 })],
  ['compute_a_subtotal', `${PRODUCE} SELECT item, SUM(purchases) OVER (PARTITION BY category) AS v FROM Produce`, produceRows({ banana: 10, apple: 10, leek: 44, cabbage: 44, lettuce: 44, kale: 44 })],
  [
    'compute_a_cumulative_sum',
    `${PRODUCE} SELECT item, SUM(purchases) OVER (PARTITION BY category ORDER BY purchases ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS v FROM Produce`,
    produceRows({ banana: 2, apple: 10, leek: 2, cabbage: 11, lettuce: 21, kale: 44 }),
  ],
  [
    'compute_a_cumulative_sum',
    `${PRODUCE} SELECT item, SUM(purchases) OVER (PARTITION BY category ORDER BY purchases ROWS UNBOUNDED PRECEDING) AS v FROM Produce`,
    produceRows({ banana: 2, apple: 10, leek: 2, cabbage: 11, lettuce: 21, kale: 44 }),
  ],
  [
    'compute_a_cumulative_sum',
    `${PRODUCE} SELECT item, SUM(purchases) OVER (PARTITION BY category ORDER BY purchases ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING) AS v FROM Produce`,
    produceRows({ banana: null, apple: null, leek: null, cabbage: null, lettuce: 2, kale: 11 }),
  ],
  [
    'compute_a_moving_average',
    `${PRODUCE} SELECT item, AVG(purchases) OVER (ORDER BY purchases, item ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS v FROM Produce`,
    produceRows({ banana: 2, leek: 4, apple: 6.33333333333333, cabbage: 9, lettuce: 14, kale: 16.5 }),
  ],
  [
    'compute_the_number_of_items_within_a_range',
    `${PRODUCE} SELECT item, COUNT(*) OVER (ORDER BY purchases RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS v FROM Produce`,
    produceRows({ banana: 2, leek: 2, apple: 2, cabbage: 3, lettuce: 2, kale: 1 }),
  ],
  [
    'get_the_most_popular_item_in_each_category',
    `${PRODUCE} SELECT item, FIRST_VALUE(item) OVER (PARTITION BY category ORDER BY purchases DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS v FROM Produce`,
    produceRows({ banana: 'apple', apple: 'apple', leek: 'kale', cabbage: 'kale', lettuce: 'kale', kale: 'kale' }),
  ],
  [
    'get_the_last_value_in_a_range',
    `${PRODUCE} SELECT item, LAST_VALUE(item) OVER (PARTITION BY category ORDER BY purchases ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS v FROM Produce`,
    produceRows({ banana: 'apple', apple: 'apple', leek: 'cabbage', cabbage: 'lettuce', lettuce: 'kale', kale: 'kale' }),
  ],
  [
    'use_a_named_window_in_a_window_frame_clause',
    `${PRODUCE} SELECT item, LAST_VALUE(item) OVER (item_window) AS v FROM Produce WINDOW item_window AS (PARTITION BY category ORDER BY purchases ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)`,
    produceRows({ banana: 'apple', apple: 'apple', leek: 'lettuce', cabbage: 'kale', lettuce: 'kale', kale: 'kale' }),
  ],
  [
    'use_a_named_window_in_a_window_frame_clause',
    `${PRODUCE} SELECT item, LAST_VALUE(item) OVER c AS v FROM Produce WINDOW a AS (PARTITION BY category), b AS (a ORDER BY purchases), c AS (b ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)`,
    produceRows({ banana: 'apple', apple: 'apple', leek: 'lettuce', cabbage: 'kale', lettuce: 'kale', kale: 'kale' }),
  ],
  [
    'use_a_named_window_in_a_window_frame_clause',
    `${PRODUCE} SELECT item, LAST_VALUE(item) OVER b AS v FROM Produce WINDOW a AS (PARTITION BY category ORDER BY purchases ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), b AS a`,
    produceRows({ banana: 'apple', apple: 'apple', leek: 'cabbage', cabbage: 'lettuce', lettuce: 'kale', kale: 'kale' }),
  ],
  [
    'compute_rank',
    `${EMPLOYEES} SELECT name, RANK() OVER (PARTITION BY department ORDER BY start_date) AS rank FROM Employees`,
    [
      { name: 'Jacob', rank: 1 },
      { name: 'Anthony', rank: 2 },
      { name: 'Andrew', rank: 3 },
      { name: 'Isabella', rank: 1 },
      { name: 'Daniel', rank: 2 },
      { name: 'Jose', rank: 3 },
    ],
  ],
  // def_window_frame: with ORDER BY and no frame, the frame is RANGE BETWEEN UNBOUNDED PRECEDING AND
  // CURRENT ROW (peers included); without ORDER BY it is the whole partition.
  ['def_window_frame', 'SELECT x, SUM(x) OVER (ORDER BY x) AS s FROM UNNEST([1, 2, 2, 3]) AS x', [{ x: 1, s: 1 }, { x: 2, s: 5 }, { x: 2, s: 5 }, { x: 3, s: 8 }]],
  ['def_window_frame', 'SELECT x, LAST_VALUE(x) OVER (ORDER BY x) AS l FROM UNNEST([3, 1, 2]) AS x', [{ x: 1, l: 1 }, { x: 2, l: 2 }, { x: 3, l: 3 }]],
  ['def_window_frame', 'SELECT x, SUM(x) OVER () AS s, COUNT(*) OVER () AS n FROM UNNEST([7, 8]) AS x', [{ x: 7, s: 15, n: 2 }, { x: 8, s: 15, n: 2 }]],
  ['def_window_frame', 'SELECT x, SUM(x) OVER (ORDER BY x ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) AS s FROM UNNEST([1, 2, 3, 4]) AS x', [{ x: 1, s: 5 }, { x: 2, s: 7 }, { x: 3, s: 4 }, { x: 4, s: null }]],
  ['def_window_frame', 'SELECT x, SUM(x) OVER (ORDER BY x RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING) AS s FROM UNNEST([1, 2, 2, 4]) AS x', [{ x: 1, s: 5 }, { x: 2, s: 4 }, { x: 2, s: 4 }, { x: 4, s: 4 }]],
  ['def_window_frame', 'SELECT x, COUNT(*) OVER (ORDER BY x DESC RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS n FROM UNNEST([1, 2, 3, 5]) AS x', [{ x: 1, n: 2 }, { x: 2, n: 2 }, { x: 3, n: 1 }, { x: 5, n: 1 }]],
  ['def_window_frame', 'SELECT x, COUNT(*) OVER (ORDER BY x RANGE BETWEEN 0.5 PRECEDING AND 0.5 FOLLOWING) AS n FROM UNNEST([1.0, 1.4, 2.0, 2.6]) AS x', [{ x: 1, n: 2 }, { x: 1.4, n: 2 }, { x: 2, n: 1 }, { x: 2.6, n: 1 }]],
  // NULLs sort first in ascending order, last in descending order.
  ['def_window_spec', 'SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS rn FROM UNNEST([2, NULL, 1]) AS x', [{ x: null, rn: 1 }, { x: 1, rn: 2 }, { x: 2, rn: 3 }]],
  ['def_window_spec', 'SELECT x, ROW_NUMBER() OVER (ORDER BY x DESC) AS rn FROM UNNEST([2, NULL, 1]) AS x', [{ x: 2, rn: 1 }, { x: 1, rn: 2 }, { x: null, rn: 3 }]],
]);

export const CONVERSION_RULES = family('conversion_rules', [
  ['supertypes', 'SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 2.5) ORDER BY x', [{ x: 1 }, { x: 2.5 }], { types: { x: 'FLOAT' } }],
  ['supertypes', "SELECT x FROM (SELECT 1 AS x UNION ALL SELECT NUMERIC '2.5') ORDER BY x", [{ x: '1' }, { x: '2.5' }], { types: { x: 'NUMERIC' } }],
  scalar('supertypes', 'IF(TRUE, 1, 2.5)', 1, 'FLOAT'),
  scalar('supertypes', "COALESCE(NULL, 1, NUMERIC '2.5')", '1', 'NUMERIC'),
  scalar('supertypes', "CASE WHEN FALSE THEN 1 ELSE NUMERIC '1.5' END", '1.5', 'NUMERIC'),
  scalar('literal_coercion', "DATE '2020-01-01' = '2020-01-01'", true),
  scalar('literal_coercion', "DATE '2020-01-02' IN ('2020-01-01', '2020-01-02')", true),
  scalar('literal_coercion', "TIMESTAMP '2020-01-01 00:00:00+00' = '2020-01-01 00:00:00+00'", true),
  scalar('coercion', '3 IN (1.0, 3.0)', true),
  scalar('coercion', "NUMERIC '1.5' + 1", '2.5', 'NUMERIC'),
]);

export const CONVERSION_FUNCTION_RULES = continued('conversion_functions', CONVERSION_FUNCTIONS, [
  scalar('cast_as_bool', "CAST('TRUE' AS BOOL)", true),
  scalar('cast_as_bool', "CAST('fAlSe' AS BOOL)", false),
  scalar('cast_as_bool', "SAFE_CAST('yes' AS BOOL)", null, 'BOOLEAN'),
  scalar('cast_as_bool', "SAFE_CAST('1' AS BOOL)", null, 'BOOLEAN'),
  scalar('cast_as_string', "CAST(TIMESTAMP '2020-01-01 00:00:00.123+00' AS STRING)", '2020-01-01 00:00:00.123+00'),
  scalar('cast_as_string', "CAST(TIMESTAMP '2020-01-01 00:00:00.1+00' AS STRING)", '2020-01-01 00:00:00.100+00'),
  scalar('cast_as_string', 'CAST(1.0 AS STRING)', '1'),
  scalar('cast_as_string', 'CAST(0.1 AS STRING)', '0.1'),
  scalar('cast_as_string', "CAST(CAST('inf' AS FLOAT64) AS STRING)", 'inf'),
  scalar('cast_as_string', "CAST(CAST('nan' AS FLOAT64) AS STRING)", 'nan'),
  scalar('cast_as_string', "CAST(BIGNUMERIC '1.500' AS STRING)", '1.5'),
  scalar('cast_as_string', "CAST(b'\\xc3\\xa9t\\xc3\\xa9' AS STRING)", 'été'),
  scalar('cast_as_string', "SAFE_CAST(b'\\xff' AS STRING)", null, 'STRING'),
  scalar('cast_as_int64', 'CAST(1.5 AS INT64)', 2),
  scalar('cast_as_int64', 'CAST(-0.5 AS INT64)', -1),
  scalar('cast_as_int64', "CAST('0xFF' AS INT64)", 255),
  scalar('cast_as_numeric', 'CAST(1.0000000005 AS NUMERIC)', '1.000000001', 'NUMERIC'),
  scalar('cast_as_date', "CAST('2020-1-5' AS DATE)", '2020-01-05', 'DATE'),
  scalar('cast_as_datetime', "CAST('2020-01-05T10:30:00' AS DATETIME)", '2020-01-05T10:30:00', 'DATETIME'),
  scalar('cast_as_timestamp', "CAST('2020-01-05 10:30:00 America/Los_Angeles' AS TIMESTAMP)", '2020-01-05 18:30:00+00', 'TIMESTAMP'),
  scalar('cast_as_bytes', "CAST('été' AS BYTES)", 'w6l0w6k=', 'BYTES'),
  scalar('format_clause_for_cast', "CAST('04.03.2020' AS DATE FORMAT 'DD.MM.YYYY')", '2020-03-04', 'DATE'),
]);

export const LEXICAL = family('lexical', [
  scalar('integer_literals', '0x1F', 31, 'INTEGER'),
  scalar('integer_literals', '-0x10', -16, 'INTEGER'),
  scalar('numeric_literals', "NUMERIC '0.000000001'", '0.000000001', 'NUMERIC'),
  scalar('numeric_literals', "NUMERIC '-123.40'", '-123.4', 'NUMERIC'),
  scalar('bignumeric_literals', "BIGNUMERIC '123456789012.345678'", '123456789012.345678', 'BIGNUMERIC'),
  scalar('floating_point_literals', '1.5e2', 150, 'FLOAT'),
  scalar('string_and_bytes_literals', '"""abc\ndef"""', 'abc\ndef'),
  scalar('string_and_bytes_literals', "'''it's'''", "it's"),
  scalar('string_and_bytes_literals', "r'a\\nb'", 'a\\nb'),
  scalar('string_and_bytes_literals', "'\\101\\102'", 'AB'),
  scalar('string_and_bytes_literals', "'\\x41\\u00e9\\U0001F600'", 'Aé😀'),
  scalar('string_and_bytes_literals', "b'\\101'", 'QQ==', 'BYTES'),
  scalar('string_and_bytes_literals', "rb'\\x'", 'XHg=', 'BYTES'),
  scalar('date_literals', "DATE '2014-09-27'", '2014-09-27', 'DATE'),
  scalar('time_literals', "TIME '12:30:00.45'", '12:30:00.45', 'TIME'),
  scalar('datetime_literals', "DATETIME '2014-09-27T12:30:00.45'", '2014-09-27T12:30:00.45', 'DATETIME'),
  scalar('timestamp_literals', "TIMESTAMP '2014-09-27 12:30:00.45-08'", '2014-09-27 20:30:00.45+00', 'TIMESTAMP'),
  scalar('timestamp_literals', "TIMESTAMP '2014-09-27T12:30:00Z'", '2014-09-27 12:30:00+00', 'TIMESTAMP'),
  scalar('timestamp_literals', "TIMESTAMP '2014-09-27 12:30:00 America/Los_Angeles'", '2014-09-27 19:30:00+00', 'TIMESTAMP'),
  scalar('timestamp_literals', "TIMESTAMP '2014-09-27 12:30:00'", '2014-09-27 12:30:00+00', 'TIMESTAMP'),
  scalar('array_literals', 'ARRAY<FLOAT64>[1, 2]', [1, 2]),
  scalar('struct_literals', "STRUCT<x INT64, y STRING>(1, 't')", { x: 1, y: 't' }),
]);

export const DATA_TYPES = family('data-types', [
  scalar('numeric_type', "CAST('99999999999999999999999999999.999999999' AS NUMERIC)", '99999999999999999999999999999.999999999', 'NUMERIC'),
  scalar('time_zones', "TIMESTAMP '2020-01-01 00:00:00+05:30'", '2019-12-31 18:30:00+00', 'TIMESTAMP'),
  scalar('time_zones', "TIMESTAMP '2020-01-01 00:00:00 Asia/Kolkata'", '2019-12-31 18:30:00+00', 'TIMESTAMP'),
  scalar('time_zones', "TIMESTAMP '2014-12-01 12:34:56 UTC+07:30'", '2014-12-01 05:04:56+00', 'TIMESTAMP'),
]);
