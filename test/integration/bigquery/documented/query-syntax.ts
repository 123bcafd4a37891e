// query_syntax: the query syntax page's examples (inline tables via WITH or UNNEST), with the
// result tables shown there.
import { family } from './case';

const ROSTER = `Roster AS (SELECT 'Adams' AS LastName, 50 AS SchoolID UNION ALL SELECT 'Buchanan', 52
  UNION ALL SELECT 'Coolidge', 52 UNION ALL SELECT 'Davis', 51 UNION ALL SELECT 'Eisenhower', 77)`;
const MASCOT = `TeamMascot AS (SELECT 50 AS SchoolID, 'Jaguars' AS Mascot UNION ALL SELECT 51, 'Knights'
  UNION ALL SELECT 52, 'Lakers' UNION ALL SELECT 53, 'Mustangs')`;
const STATS = `PlayerStats AS (SELECT 'Adams' AS LastName, 51 AS OpponentID, 3 AS PointsScored
  UNION ALL SELECT 'Buchanan', 77, 0 UNION ALL SELECT 'Coolidge', 77, 1 UNION ALL SELECT 'Adams', 52, 4
  UNION ALL SELECT 'Buchanan', 50, 13)`;
const NAMED_STATS = `PlayerStats AS (SELECT 'Adams' AS LastName, 'Noam' AS FirstName, 3 AS PointsScored
  UNION ALL SELECT 'Buchanan', 'Jie', 0 UNION ALL SELECT 'Coolidge', 'Kiran', 1
  UNION ALL SELECT 'Adams', 'Noam', 4 UNION ALL SELECT 'Buchanan', 'Jie', 13)`;
const ORDERS = `orders AS (SELECT 5 AS order_id, "sprocket" AS item_name, 200 AS quantity)`;
const PRODUCE = `Produce AS (SELECT 'kale' AS item, 23 AS purchases, 'vegetable' AS category
  UNION ALL SELECT 'banana', 2, 'fruit' UNION ALL SELECT 'cabbage', 9, 'vegetable'
  UNION ALL SELECT 'apple', 8, 'fruit' UNION ALL SELECT 'leek', 2, 'vegetable'
  UNION ALL SELECT 'lettuce', 10, 'vegetable')`;
const PRODUCTS = `Products AS (SELECT 'shirt' AS product_type, 't-shirt' AS product_name, 3 AS product_count
  UNION ALL SELECT 'shirt', 't-shirt', 8 UNION ALL SELECT 'shirt', 'polo', 25
  UNION ALL SELECT 'pants', 'jeans', 6)`;
const SALES = `Sales AS (SELECT 123 AS sku, 1 AS day, 9.99 AS price UNION ALL SELECT 123, 1, 8.99
  UNION ALL SELECT 456, 1, 4.56 UNION ALL SELECT 123, 2, 9.99 UNION ALL SELECT 789, 3, 1.00
  UNION ALL SELECT 456, 3, 4.25 UNION ALL SELECT 789, 3, 0.99)`;
const QUARTERS = `Produce AS (SELECT 'Kale' AS product, 51 AS sales, 'Q1' AS quarter, 2020 AS year
  UNION ALL SELECT 'Kale', 23, 'Q2', 2020 UNION ALL SELECT 'Kale', 45, 'Q3', 2020
  UNION ALL SELECT 'Kale', 3, 'Q4', 2020 UNION ALL SELECT 'Kale', 70, 'Q1', 2021
  UNION ALL SELECT 'Kale', 85, 'Q2', 2021 UNION ALL SELECT 'Apple', 77, 'Q1', 2020
  UNION ALL SELECT 'Apple', 0, 'Q2', 2020 UNION ALL SELECT 'Apple', 1, 'Q1', 2021)`;
const WIDE = `Produce AS (SELECT 'Kale' AS product, 51 AS Q1, 23 AS Q2, 45 AS Q3, 3 AS Q4
  UNION ALL SELECT 'Apple', 77, 0, 25, 2)`;
const XY = `(SELECT 1 AS x, true AS y UNION ALL SELECT 9, true UNION ALL SELECT NULL, false)`;
const LETTERS = `UNNEST(ARRAY<STRING>['a', 'b', 'c', 'd', 'e']) AS letter`;

const JOINED = [
  { LastName: 'Adams', Mascot: 'Jaguars' },
  { LastName: 'Buchanan', Mascot: 'Lakers' },
  { LastName: 'Coolidge', Mascot: 'Lakers' },
  { LastName: 'Davis', Mascot: 'Knights' },
];
const join = (kind: string) => `WITH ${ROSTER}, ${MASCOT}
SELECT Roster.LastName, TeamMascot.Mascot FROM Roster ${kind} TeamMascot ON Roster.SchoolID = TeamMascot.SchoolID`;

const rollupRows = (rows: [unknown, unknown, number][]) => rows.map(([product_type, product_name, product_sum]) => ({ product_type, product_name, product_sum }));

export const QUERY_SYNTAX = family('query-syntax', [
  // SELECT list modifiers.
  ['select_except', `WITH ${ORDERS} SELECT * EXCEPT (order_id) FROM orders`, [{ item_name: 'sprocket', quantity: 200 }]],
  ['select_replace', `WITH ${ORDERS} SELECT * REPLACE ("widget" AS item_name) FROM orders`, [{ order_id: 5, item_name: 'widget', quantity: 200 }]],
  ['select_replace', `WITH ${ORDERS} SELECT * REPLACE (quantity/2 AS quantity) FROM orders`, [{ order_id: 5, item_name: 'sprocket', quantity: 100 }], { types: { quantity: 'FLOAT' } }],
  ['select_distinct', `SELECT DISTINCT x FROM UNNEST([1, 2, 2, NULL, NULL]) AS x`, [{ x: 1 }, { x: 2 }, { x: null }]],
  [
    'select_expression_star',
    `WITH locations AS (SELECT STRUCT("Seattle" AS city, "Washington" AS state) AS location
  UNION ALL SELECT STRUCT("Phoenix" AS city, "Arizona" AS state) AS location)
SELECT l.location.* FROM locations l`,
    [{ city: 'Seattle', state: 'Washington' }, { city: 'Phoenix', state: 'Arizona' }],
  ],
  [
    'select_expression_star',
    `WITH locations AS (SELECT ARRAY<STRUCT<city STRING, state STRING>>[("Seattle", "Washington"), ("Phoenix", "Arizona")] AS location)
SELECT l.LOCATION[offset(0)].* FROM locations l`,
    [{ city: 'Seattle', state: 'Washington' }],
  ],
  ['select_as_struct', `SELECT ARRAY(SELECT AS STRUCT 1 a, 2 b) AS r`, [{ r: [{ a: 1, b: 2 }] }]],
  ['select_as_struct', `SELECT (SELECT AS STRUCT 1 AS x, 'a' AS y) AS s`, [{ s: { x: 1, y: 'a' } }]],
  ['select_as_value', `SELECT ARRAY(SELECT AS VALUE STRUCT(1 AS a, 2 AS b)) AS r`, [{ r: [{ a: 1, b: 2 }] }]],
  ['select_as_value', `SELECT ARRAY(SELECT AS VALUE x * 2 FROM UNNEST([1, 2, 3]) AS x ORDER BY x) AS r`, [{ r: [2, 4, 6] }]],
  // UNNEST.
  ['unnest_operator', `SELECT * FROM UNNEST([1, 2, 3])`, [{ f0_: 1 }, { f0_: 2 }, { f0_: 3 }]],
  [
    'unnest_operator',
    `SELECT * FROM UNNEST(ARRAY<STRUCT<x INT64, y STRING, z STRUCT<a INT64, b INT64>>>[(1, 'foo', (10, 11)), (3, 'bar', (20, 21))])`,
    [{ x: 1, y: 'foo', z: { a: 10, b: 11 } }, { x: 3, y: 'bar', z: { a: 20, b: 21 } }],
  ],
  [
    'unnest_operator',
    `SELECT *, struct_value FROM UNNEST(ARRAY<STRUCT<x INT64, y STRING>>[(1, 'foo'), (3, 'bar')]) AS struct_value`,
    [{ x: 1, y: 'foo', struct_value: { x: 1, y: 'foo' } }, { x: 3, y: 'bar', struct_value: { x: 3, y: 'bar' } }],
  ],
  [
    'unnest_operator',
    `SELECT * FROM UNNEST(['foo', 'bar', 'baz', 'qux', 'corge', 'garply', 'waldo', 'fred']) AS element WITH OFFSET AS offset ORDER BY offset`,
    ['foo', 'bar', 'baz', 'qux', 'corge', 'garply', 'waldo', 'fred'].map((element, offset) => ({ element, offset })),
  ],
  [
    'unnest_operator',
    `WITH Races AS (SELECT "800M" AS race, [STRUCT("Rudisha" AS name, [23.4, 26.3, 26.4, 26.1] AS laps), STRUCT("Makhloufi" AS name, [24.5, 25.4, 26.6, 26.1] AS laps)] AS participants)
SELECT race, participant.name, ARRAY_LENGTH(participant.laps) AS laps FROM Races AS r CROSS JOIN UNNEST(r.participants) AS participant`,
    [{ race: '800M', name: 'Rudisha', laps: 4 }, { race: '800M', name: 'Makhloufi', laps: 4 }],
  ],
  [
    'unnest_operator',
    `SELECT x, o FROM UNNEST([10, 20]) AS x WITH OFFSET AS o, UNNEST([CAST(NULL AS INT64)]) AS n`,
    [{ x: 10, o: 0 }, { x: 20, o: 1 }],
  ],
  // Joins.
  ['inner_join', join('JOIN'), JOINED],
  ['inner_join', join('INNER JOIN'), JOINED],
  ['left_join', join('LEFT JOIN'), [...JOINED, { LastName: 'Eisenhower', Mascot: null }]],
  ['right_join', join('RIGHT JOIN'), [...JOINED, { LastName: null, Mascot: 'Mustangs' }]],
  ['full_join', join('FULL OUTER JOIN'), [...JOINED, { LastName: 'Eisenhower', Mascot: null }, { LastName: null, Mascot: 'Mustangs' }]],
  [
    'cross_join',
    `WITH ${ROSTER}, ${MASCOT} SELECT COUNT(*) AS n, COUNT(DISTINCT LastName) AS names, COUNT(DISTINCT Mascot) AS mascots FROM Roster CROSS JOIN TeamMascot`,
    [{ n: 20, names: 5, mascots: 4 }],
  ],
  [
    'comma_cross_join',
    `WITH ${ROSTER}, ${MASCOT} SELECT COUNT(*) AS n FROM Roster, TeamMascot`,
    [{ n: 20 }],
  ],
  [
    'using_clause',
    `WITH ${ROSTER}, ${STATS} SELECT * FROM Roster INNER JOIN PlayerStats USING (LastName)`,
    [
      { LastName: 'Adams', SchoolID: 50, OpponentID: 51, PointsScored: 3 },
      { LastName: 'Adams', SchoolID: 50, OpponentID: 52, PointsScored: 4 },
      { LastName: 'Buchanan', SchoolID: 52, OpponentID: 77, PointsScored: 0 },
      { LastName: 'Buchanan', SchoolID: 52, OpponentID: 50, PointsScored: 13 },
      { LastName: 'Coolidge', SchoolID: 52, OpponentID: 77, PointsScored: 1 },
    ],
  ],
  [
    'using_clause',
    `WITH ${ROSTER}, ${MASCOT} SELECT * FROM Roster FULL JOIN TeamMascot USING (SchoolID)`,
    [
      { SchoolID: 50, LastName: 'Adams', Mascot: 'Jaguars' },
      { SchoolID: 52, LastName: 'Buchanan', Mascot: 'Lakers' },
      { SchoolID: 52, LastName: 'Coolidge', Mascot: 'Lakers' },
      { SchoolID: 51, LastName: 'Davis', Mascot: 'Knights' },
      { SchoolID: 77, LastName: 'Eisenhower', Mascot: null },
      { SchoolID: 53, LastName: null, Mascot: 'Mustangs' },
    ],
  ],
  [
    'using_clause',
    `WITH ${ROSTER}, ${MASCOT} SELECT SchoolID, Roster.SchoolID AS r, TeamMascot.SchoolID AS t FROM Roster LEFT JOIN TeamMascot USING (SchoolID) WHERE LastName = 'Eisenhower'`,
    [{ SchoolID: 77, r: 77, t: null }],
  ],
  // GROUP BY.
  ['group_by_clause', `WITH ${NAMED_STATS} SELECT SUM(PointsScored) AS total_points, LastName FROM PlayerStats GROUP BY LastName`, [
    { total_points: 7, LastName: 'Adams' },
    { total_points: 13, LastName: 'Buchanan' },
    { total_points: 1, LastName: 'Coolidge' },
  ]],
  ['group_by_clause', `WITH ${NAMED_STATS} SELECT SUM(PointsScored) AS total_points, LastName, FirstName FROM PlayerStats GROUP BY 2, 3`, [
    { total_points: 7, LastName: 'Adams', FirstName: 'Noam' },
    { total_points: 13, LastName: 'Buchanan', FirstName: 'Jie' },
    { total_points: 1, LastName: 'Coolidge', FirstName: 'Kiran' },
  ]],
  ['group_by_all', `WITH ${NAMED_STATS} SELECT SUM(PointsScored) AS total_points, FirstName AS first_name, LastName AS last_name FROM PlayerStats GROUP BY ALL`, [
    { total_points: 7, first_name: 'Noam', last_name: 'Adams' },
    { total_points: 13, first_name: 'Jie', last_name: 'Buchanan' },
    { total_points: 1, first_name: 'Kiran', last_name: 'Coolidge' },
  ]],
  ['group_by_clause', `SELECT x, COUNT(*) AS n FROM UNNEST([1, NULL, 1, NULL, 2]) AS x GROUP BY x ORDER BY x`, [
    { x: null, n: 2 },
    { x: 1, n: 2 },
    { x: 2, n: 1 },
  ]],
  [
    'group_by_grouping_sets',
    `WITH ${PRODUCTS} SELECT product_type, product_name, SUM(product_count) AS product_sum FROM Products GROUP BY GROUPING SETS (product_type, product_name) ORDER BY product_name`,
    rollupRows([['shirt', null, 36], ['pants', null, 6], [null, 'jeans', 6], [null, 'polo', 25], [null, 't-shirt', 11]]),
    { ordered: false },
  ],
  [
    'group_by_grouping_sets',
    `WITH ${PRODUCTS} SELECT product_type, product_name, SUM(product_count) AS product_sum FROM Products GROUP BY GROUPING SETS (product_type, (product_type, product_name), ()) ORDER BY product_type, product_name`,
    rollupRows([[null, null, 42], ['pants', null, 6], ['pants', 'jeans', 6], ['shirt', null, 36], ['shirt', 'polo', 25], ['shirt', 't-shirt', 11]]),
  ],
  [
    'group_by_rollup',
    `WITH ${PRODUCTS} SELECT product_type, product_name, SUM(product_count) AS product_sum FROM Products GROUP BY ROLLUP (product_type, product_name) ORDER BY product_type, product_name`,
    rollupRows([[null, null, 42], ['pants', null, 6], ['pants', 'jeans', 6], ['shirt', null, 36], ['shirt', 'polo', 25], ['shirt', 't-shirt', 11]]),
  ],
  ['group_by_rollup', `WITH ${SALES} SELECT day, SUM(price) AS total FROM Sales GROUP BY ROLLUP(day)`, [
    { day: null, total: 39.77 },
    { day: 1, total: 23.54 },
    { day: 2, total: 9.99 },
    { day: 3, total: 6.24 },
  ]],
  ['group_by_rollup', `WITH ${SALES} SELECT sku, day, SUM(price) AS total FROM Sales GROUP BY ROLLUP(sku, day) ORDER BY sku, day`, [
    { sku: null, day: null, total: 39.77 },
    { sku: 123, day: null, total: 28.97 },
    { sku: 123, day: 1, total: 18.98 },
    { sku: 123, day: 2, total: 9.99 },
    { sku: 456, day: null, total: 8.81 },
    { sku: 456, day: 1, total: 4.56 },
    { sku: 456, day: 3, total: 4.25 },
    { sku: 789, day: null, total: 1.99 },
    { sku: 789, day: 3, total: 1.99 },
  ]],
  [
    'group_by_cube',
    `WITH ${PRODUCTS} SELECT product_type, product_name, SUM(product_count) AS product_sum FROM Products GROUP BY CUBE (product_type, product_name) ORDER BY product_type, product_name`,
    rollupRows([[null, null, 42], [null, 'jeans', 6], [null, 'polo', 25], [null, 't-shirt', 11], ['pants', null, 6], ['pants', 'jeans', 6], ['shirt', null, 36], ['shirt', 'polo', 25], ['shirt', 't-shirt', 11]]),
  ],
  [
    'group_by_rollup',
    `WITH ${PRODUCTS} SELECT product_type, GROUPING(product_type) AS g, SUM(product_count) AS product_sum FROM Products GROUP BY ROLLUP (product_type) ORDER BY g, product_type`,
    [{ product_type: 'pants', g: 0, product_sum: 6 }, { product_type: 'shirt', g: 0, product_sum: 36 }, { product_type: null, g: 1, product_sum: 42 }],
  ],
  // HAVING, QUALIFY, WINDOW.
  ['having_clause', `WITH ${NAMED_STATS} SELECT LastName, SUM(PointsScored) AS ps FROM PlayerStats GROUP BY LastName HAVING SUM(PointsScored) > 5`, [
    { LastName: 'Adams', ps: 7 },
    { LastName: 'Buchanan', ps: 13 },
  ]],
  ['having_clause', `WITH ${NAMED_STATS} SELECT LastName, SUM(PointsScored) AS ps FROM PlayerStats GROUP BY LastName HAVING ps > 10`, [{ LastName: 'Buchanan', ps: 13 }]],
  ['having_clause', `WITH ${NAMED_STATS} SELECT LastName FROM PlayerStats GROUP BY LastName HAVING COUNT(*) > 1`, [{ LastName: 'Adams' }, { LastName: 'Buchanan' }]],
  [
    'qualify_clause',
    `WITH ${PRODUCE} SELECT item, RANK() OVER (PARTITION BY category ORDER BY purchases DESC) AS rank FROM Produce WHERE Produce.category = 'vegetable' QUALIFY rank <= 3`,
    [{ item: 'kale', rank: 1 }, { item: 'lettuce', rank: 2 }, { item: 'cabbage', rank: 3 }],
  ],
  [
    'qualify_clause',
    `WITH ${PRODUCE} SELECT item FROM Produce WHERE Produce.category = 'vegetable' QUALIFY RANK() OVER (PARTITION BY category ORDER BY purchases DESC) <= 3`,
    [{ item: 'kale' }, { item: 'lettuce' }, { item: 'cabbage' }],
  ],
  [
    'window_clause',
    `WITH ${PRODUCE} SELECT item, purchases, category, LAST_VALUE(item) OVER (item_window) AS most_popular FROM Produce
WINDOW item_window AS (PARTITION BY category ORDER BY purchases ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)`,
    [
      { item: 'banana', purchases: 2, category: 'fruit', most_popular: 'apple' },
      { item: 'apple', purchases: 8, category: 'fruit', most_popular: 'apple' },
      { item: 'leek', purchases: 2, category: 'vegetable', most_popular: 'lettuce' },
      { item: 'cabbage', purchases: 9, category: 'vegetable', most_popular: 'kale' },
      { item: 'lettuce', purchases: 10, category: 'vegetable', most_popular: 'kale' },
      { item: 'kale', purchases: 23, category: 'vegetable', most_popular: 'kale' },
    ],
  ],
  [
    'window_clause',
    `WITH ${PRODUCE} SELECT item, purchases, category, LAST_VALUE(item) OVER (d ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS most_popular FROM Produce
WINDOW a AS (PARTITION BY category), b AS (a ORDER BY purchases), c AS b, d AS (c)`,
    [
      { item: 'banana', purchases: 2, category: 'fruit', most_popular: 'apple' },
      { item: 'apple', purchases: 8, category: 'fruit', most_popular: 'apple' },
      { item: 'leek', purchases: 2, category: 'vegetable', most_popular: 'lettuce' },
      { item: 'cabbage', purchases: 9, category: 'vegetable', most_popular: 'kale' },
      { item: 'lettuce', purchases: 10, category: 'vegetable', most_popular: 'kale' },
      { item: 'kale', purchases: 23, category: 'vegetable', most_popular: 'kale' },
    ],
  ],
  // ORDER BY, LIMIT and OFFSET.
  ['order_by_clause', `SELECT x, y FROM ${XY} ORDER BY x`, [{ x: null, y: false }, { x: 1, y: true }, { x: 9, y: true }]],
  ['order_by_clause', `SELECT x, y FROM ${XY} ORDER BY x NULLS LAST`, [{ x: 1, y: true }, { x: 9, y: true }, { x: null, y: false }]],
  ['order_by_clause', `SELECT x, y FROM ${XY} ORDER BY x DESC`, [{ x: 9, y: true }, { x: 1, y: true }, { x: null, y: false }]],
  ['order_by_clause', `SELECT x, y FROM ${XY} ORDER BY x DESC NULLS FIRST`, [{ x: null, y: false }, { x: 9, y: true }, { x: 1, y: true }]],
  [
    'order_by_clause',
    `SELECT SUM(PointsScored) AS total, LastName FROM (SELECT 'Adams' AS LastName, 3 AS PointsScored UNION ALL SELECT 'Buchanan', 0 UNION ALL SELECT 'Adams', 4) GROUP BY LastName ORDER BY total DESC`,
    [{ total: 7, LastName: 'Adams' }, { total: 0, LastName: 'Buchanan' }],
  ],
  ['limit_and_offset_clause', `SELECT * FROM ${LETTERS} ORDER BY letter ASC LIMIT 2`, [{ letter: 'a' }, { letter: 'b' }]],
  ['limit_and_offset_clause', `SELECT * FROM ${LETTERS} ORDER BY letter ASC LIMIT 3 OFFSET 1`, [{ letter: 'b' }, { letter: 'c' }, { letter: 'd' }]],
  ['limit_and_offset_clause', `SELECT * FROM ${LETTERS} ORDER BY letter ASC LIMIT 3 OFFSET 4`, [{ letter: 'e' }]],
  // Set operators.
  ['set_operators', `SELECT * FROM UNNEST(ARRAY<INT64>[1, 2, 3]) AS number UNION ALL SELECT 1`, [{ number: 1 }, { number: 2 }, { number: 3 }, { number: 1 }]],
  ['set_operators', `SELECT * FROM UNNEST(ARRAY<INT64>[1, 2, 3]) AS number UNION DISTINCT SELECT 1`, [{ number: 1 }, { number: 2 }, { number: 3 }]],
  ['set_operators', `SELECT * FROM UNNEST(ARRAY<INT64>[1, 2, 3]) AS number INTERSECT DISTINCT SELECT * FROM UNNEST(ARRAY<INT64>[2, 3, 4]) AS number`, [{ number: 2 }, { number: 3 }]],
  ['set_operators', `SELECT * FROM UNNEST(ARRAY<INT64>[1, 2, 3]) AS number EXCEPT DISTINCT SELECT * FROM UNNEST(ARRAY<INT64>[2, 3, 4]) AS number`, [{ number: 1 }]],
  ['set_operators', `WITH ${ROSTER}, ${STATS} SELECT LastName FROM Roster INTERSECT DISTINCT SELECT LastName FROM PlayerStats`, [{ LastName: 'Adams' }, { LastName: 'Buchanan' }, { LastName: 'Coolidge' }]],
  ['set_operators', `WITH ${ROSTER}, ${STATS} SELECT LastName FROM Roster EXCEPT DISTINCT SELECT LastName FROM PlayerStats`, [{ LastName: 'Davis' }, { LastName: 'Eisenhower' }]],
  [
    'set_operators',
    `WITH ${MASCOT}, ${STATS} SELECT Mascot AS X, SchoolID AS Y FROM TeamMascot UNION ALL SELECT LastName, PointsScored FROM PlayerStats`,
    [
      { X: 'Jaguars', Y: 50 }, { X: 'Knights', Y: 51 }, { X: 'Lakers', Y: 52 }, { X: 'Mustangs', Y: 53 },
      { X: 'Adams', Y: 3 }, { X: 'Buchanan', Y: 0 }, { X: 'Coolidge', Y: 1 }, { X: 'Adams', Y: 4 }, { X: 'Buchanan', Y: 13 },
    ],
  ],
  ['set_operators', `SELECT 1 AS a UNION ALL SELECT 2.5`, [{ a: 1 }, { a: 2.5 }], { types: { a: 'FLOAT' } }],
  ['set_operators', `SELECT * FROM UNNEST([1, 1, 2]) AS x INTERSECT DISTINCT SELECT * FROM UNNEST([1, 1, 3]) AS x`, [{ x: 1 }]],
  // WITH and WITH RECURSIVE.
  ['with_clause', `WITH subQ1 AS (SELECT SchoolID FROM (SELECT 50 AS SchoolID UNION ALL SELECT 52)), subQ2 AS (SELECT SchoolID + 1 AS SchoolID FROM subQ1)
SELECT * FROM subQ1 UNION ALL SELECT * FROM subQ2`, [{ SchoolID: 50 }, { SchoolID: 52 }, { SchoolID: 51 }, { SchoolID: 53 }]],
  ['with_clause', `WITH q1 AS (SELECT 1 AS x) SELECT * FROM (WITH q1 AS (SELECT 2 AS x) SELECT * FROM q1) UNION ALL SELECT * FROM q1`, [{ x: 2 }, { x: 1 }]],
  ['recursive_keyword', `WITH RECURSIVE T1 AS ((SELECT 1 AS n) UNION ALL (SELECT n + 1 AS n FROM T1 WHERE n < 3)) SELECT n FROM T1`, [{ n: 1 }, { n: 2 }, { n: 3 }]],
  [
    'recursive_keyword',
    `WITH RECURSIVE T0 AS (SELECT 1 AS n), T1 AS ((SELECT * FROM T0) UNION ALL (SELECT n + 1 FROM T1 WHERE n < 4)) SELECT SUM(n) AS total, COUNT(*) AS n FROM T1`,
    [{ total: 10, n: 4 }],
  ],
  // PIVOT and UNPIVOT.
  [
    'pivot_operator',
    `WITH ${QUARTERS} SELECT * FROM Produce PIVOT(SUM(sales) FOR quarter IN ('Q1', 'Q2', 'Q3', 'Q4'))`,
    [
      { product: 'Kale', year: 2020, Q1: 51, Q2: 23, Q3: 45, Q4: 3 },
      { product: 'Kale', year: 2021, Q1: 70, Q2: 85, Q3: null, Q4: null },
      { product: 'Apple', year: 2020, Q1: 77, Q2: 0, Q3: null, Q4: null },
      { product: 'Apple', year: 2021, Q1: 1, Q2: null, Q3: null, Q4: null },
    ],
  ],
  [
    'pivot_operator',
    `WITH ${QUARTERS} SELECT * FROM (SELECT product, sales, quarter FROM Produce) PIVOT(SUM(sales) FOR quarter IN ('Q1', 'Q2', 'Q3', 'Q4'))`,
    [
      { product: 'Kale', Q1: 121, Q2: 108, Q3: 45, Q4: 3 },
      { product: 'Apple', Q1: 78, Q2: 0, Q3: null, Q4: null },
    ],
  ],
  ['pivot_operator', `WITH ${QUARTERS} SELECT * FROM (SELECT sales, quarter FROM Produce) PIVOT(SUM(sales) FOR quarter IN ('Q1', 'Q2', 'Q3'))`, [{ Q1: 199, Q2: 108, Q3: 45 }]],
  [
    'pivot_operator',
    `WITH ${QUARTERS} SELECT * FROM (SELECT product, sales, quarter FROM Produce) PIVOT(SUM(sales) AS total_sales, COUNT(*) AS num_records FOR quarter IN ('Q1', 'Q2'))`,
    [
      { product: 'Kale', total_sales_Q1: 121, num_records_Q1: 2, total_sales_Q2: 108, num_records_Q2: 2 },
      { product: 'Apple', total_sales_Q1: 78, num_records_Q1: 2, total_sales_Q2: 0, num_records_Q2: 1 },
    ],
  ],
  [
    'unpivot_operator',
    `WITH ${WIDE} SELECT * FROM Produce UNPIVOT(sales FOR quarter IN (Q1, Q2, Q3, Q4))`,
    [
      { product: 'Kale', sales: 51, quarter: 'Q1' }, { product: 'Kale', sales: 23, quarter: 'Q2' },
      { product: 'Kale', sales: 45, quarter: 'Q3' }, { product: 'Kale', sales: 3, quarter: 'Q4' },
      { product: 'Apple', sales: 77, quarter: 'Q1' }, { product: 'Apple', sales: 0, quarter: 'Q2' },
      { product: 'Apple', sales: 25, quarter: 'Q3' }, { product: 'Apple', sales: 2, quarter: 'Q4' },
    ],
  ],
  [
    'unpivot_operator',
    `WITH ${WIDE} SELECT * FROM Produce UNPIVOT((first_half_sales, second_half_sales) FOR semesters IN ((Q1, Q2) AS 'semester_1', (Q3, Q4) AS 'semester_2'))`,
    [
      { product: 'Kale', first_half_sales: 51, second_half_sales: 23, semesters: 'semester_1' },
      { product: 'Kale', first_half_sales: 45, second_half_sales: 3, semesters: 'semester_2' },
      { product: 'Apple', first_half_sales: 77, second_half_sales: 0, semesters: 'semester_1' },
      { product: 'Apple', first_half_sales: 25, second_half_sales: 2, semesters: 'semester_2' },
    ],
  ],
  [
    'unpivot_operator',
    `SELECT * FROM (SELECT 'Kale' AS product, 51 AS Q1, CAST(NULL AS INT64) AS Q2) UNPIVOT(sales FOR quarter IN (Q1, Q2))`,
    [{ product: 'Kale', sales: 51, quarter: 'Q1' }],
  ],
  [
    'unpivot_operator',
    `SELECT * FROM (SELECT 'Kale' AS product, 51 AS Q1, CAST(NULL AS INT64) AS Q2) UNPIVOT INCLUDE NULLS (sales FOR quarter IN (Q1, Q2))`,
    [{ product: 'Kale', sales: 51, quarter: 'Q1' }, { product: 'Kale', sales: null, quarter: 'Q2' }],
  ],
  // Subqueries in FROM and value tables.
  ['from_clause', `SELECT r.x FROM (SELECT 1 AS x UNION ALL SELECT 2) AS r WHERE r.x > 1`, [{ x: 2 }]],
  ['select_list', `SELECT 1 + 1, 'a', true AS t`, [{ f0_: 2, f1_: 'a', t: true }]],
]);
