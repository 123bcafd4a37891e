// aggregate_functions, approximate_aggregate_functions, statistical_aggregate_functions,
// navigation_functions, numbering_functions: the pages' examples.
import { family } from './case';

const agg = (anchor: string, expr: string, from: string, value: unknown) => [anchor, `SELECT ${expr} AS r FROM ${from}`, [{ r: value }]] as [string, string, Record<string, unknown>[]];
const XS = 'UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x';
const FRUIT = "UNNEST(['apple', NULL, 'pear', 'banana', 'pear']) AS fruit";

export const AGGREGATE_FUNCTIONS = family('aggregate_functions', [
  agg('array_agg', 'ARRAY_AGG(x)', XS, [2, 1, -2, 3, -2, 1, 2]),
  agg('array_agg', 'ARRAY_AGG(DISTINCT x ORDER BY x)', XS, [-2, 1, 2, 3]),
  agg('array_agg', 'ARRAY_AGG(x IGNORE NULLS)', 'UNNEST([NULL, 1, -2, 3, -2, 1, NULL]) AS x', [1, -2, 3, -2, 1]),
  agg('array_agg', 'ARRAY_AGG(x ORDER BY ABS(x))', 'UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x', [1, 1, 2, -2, -2, 2, 3]),
  agg('array_agg', 'ARRAY_AGG(x LIMIT 5)', XS, [2, 1, -2, 3, -2]),
  agg('array_concat_agg', 'ARRAY_CONCAT_AGG(x ORDER BY ARRAY_LENGTH(x))', '(SELECT [1, 2, 3, 4] AS x UNION ALL SELECT [5, 6] UNION ALL SELECT [7, 8, 9])', [5, 6, 7, 8, 9, 1, 2, 3, 4]),
  agg('array_concat_agg', 'ARRAY_CONCAT_AGG(x ORDER BY ARRAY_LENGTH(x) LIMIT 2)', '(SELECT [1, 2, 3, 4] AS x UNION ALL SELECT [5, 6] UNION ALL SELECT [7, 8, 9])', [5, 6, 7, 8, 9]),
  // The page's first example holds a NULL element, which a query result cannot hold: shown as JSON text.
  agg('array_concat_agg', 'TO_JSON_STRING(ARRAY_CONCAT_AGG(x))', '(SELECT [NULL, 1, 2, 3, 4] AS x UNION ALL SELECT [5, 6] UNION ALL SELECT [7, 8, 9])', '[null,1,2,3,4,5,6,7,8,9]'),
  agg('avg', 'AVG(x)', 'UNNEST([0, 2, 4, 4, 5]) AS x', 3),
  agg('avg', 'AVG(DISTINCT x)', 'UNNEST([0, 2, 4, 4, 5]) AS x', 2.75),
  agg('avg', 'AVG(x)', 'UNNEST([0, 2, NULL, 4, 4, 5]) AS x', 3),
  agg('bit_and', 'BIT_AND(x)', 'UNNEST([0xF001, 0x00A1]) AS x', 1),
  agg('bit_or', 'BIT_OR(x)', 'UNNEST([0xF001, 0x00A1]) AS x', 61601),
  agg('bit_xor', 'BIT_XOR(x)', 'UNNEST([5678, 1234]) AS x', 4860),
  agg('bit_xor', 'BIT_XOR(x)', 'UNNEST([1234, 5678, 1234]) AS x', 5678),
  agg('bit_xor', 'BIT_XOR(DISTINCT x)', 'UNNEST([1234, 5678, 1234]) AS x', 4860),
  ['count', 'SELECT COUNT(*) AS count_star, COUNT(DISTINCT x) AS count_dist_x FROM UNNEST([1, 4, 4, 5]) AS x', [{ count_star: 4, count_dist_x: 3 }]],
  ['count', 'SELECT COUNT(*) AS count_star, COUNT(x) AS count_x FROM UNNEST([1, 4, NULL, 4, 5]) AS x', [{ count_star: 5, count_x: 4 }]],
  ['count', 'SELECT x, COUNT(*) OVER (PARTITION BY MOD(x, 3)) AS count_star, COUNT(DISTINCT x) OVER (PARTITION BY MOD(x, 3)) AS count_dist_x FROM UNNEST([1, 4, 4, 5]) AS x', [
    { x: 1, count_star: 3, count_dist_x: 2 },
    { x: 4, count_star: 3, count_dist_x: 2 },
    { x: 4, count_star: 3, count_dist_x: 2 },
    { x: 5, count_star: 1, count_dist_x: 1 },
  ]],
  ['countif', 'SELECT COUNTIF(x < 0) AS num_negative, COUNTIF(x > 0) AS num_positive FROM UNNEST([5, -2, 3, 6, -10, -7, 4, 0]) AS x', [{ num_negative: 3, num_positive: 4 }]],
  agg('countif', 'COUNTIF(x > 0)', 'UNNEST([CAST(NULL AS INT64)]) AS x', 0),
  agg('logical_and', 'LOGICAL_AND(x)', 'UNNEST([true, false, true]) AS x', false),
  agg('logical_and', 'LOGICAL_AND(x)', 'UNNEST([true, NULL, true]) AS x', true),
  agg('logical_or', 'LOGICAL_OR(x)', 'UNNEST([true, false, true]) AS x', true),
  agg('logical_or', 'LOGICAL_OR(x)', 'UNNEST([false, NULL]) AS x', false),
  agg('max', 'MAX(x)', 'UNNEST([8, 37, 55, 4]) AS x', 55),
  agg('min', 'MIN(x)', 'UNNEST([8, 37, 4, 55]) AS x', 4),
  agg('max', 'MAX(x)', 'UNNEST([CAST(NULL AS INT64)]) AS x', null),
  agg('string_agg', 'STRING_AGG(fruit)', FRUIT, 'apple,pear,banana,pear'),
  agg('string_agg', "STRING_AGG(fruit, ' & ')", FRUIT, 'apple & pear & banana & pear'),
  agg('string_agg', "STRING_AGG(fruit, ' & ' ORDER BY LENGTH(fruit), fruit)", FRUIT, 'pear & pear & apple & banana'),
  agg('string_agg', "STRING_AGG(fruit, ' & ' LIMIT 2)", FRUIT, 'apple & pear'),
  agg('string_agg', "STRING_AGG(DISTINCT fruit, ' & ' ORDER BY fruit DESC LIMIT 2)", FRUIT, 'pear & banana'),
  agg('sum', 'SUM(x)', 'UNNEST([1, 2, 3, 4, 5, 4, 3, 2, 1]) AS x', 25),
  agg('sum', 'SUM(DISTINCT x)', 'UNNEST([1, 2, 3, 4, 5, 4, 3, 2, 1]) AS x', 15),
  agg('sum', 'SUM(x)', 'UNNEST(CAST([] AS ARRAY<INT64>)) AS x', null),
  agg('sum', 'SUM(x)', 'UNNEST([1.5, 2.5]) AS x', 4),
  ['max_by', "WITH fruits AS (SELECT 'apple' AS fruit, 3.55 AS price UNION ALL SELECT 'banana', 2.10 UNION ALL SELECT 'pear', 4.30) SELECT MAX_BY(fruit, price) AS fruit FROM fruits", [{ fruit: 'pear' }]],
  ['min_by', "WITH fruits AS (SELECT 'apple' AS fruit, 3.55 AS price UNION ALL SELECT 'banana', 2.10 UNION ALL SELECT 'pear', 4.30) SELECT MIN_BY(fruit, price) AS fruit FROM fruits", [{ fruit: 'banana' }]],
  agg('any_value', 'ANY_VALUE(fruit)', "UNNEST(['apple']) AS fruit", 'apple'),
  ['grouping', "SELECT product_type, SUM(product_count) AS product_sum, GROUPING(product_type) AS product_type_agg FROM (SELECT 'shirt' AS product_type, 3 AS product_count UNION ALL SELECT 'shirt', 1 UNION ALL SELECT 'pants', 4) GROUP BY ROLLUP(product_type) ORDER BY product_type", [
    { product_type: null, product_sum: 8, product_type_agg: 1 },
    { product_type: 'pants', product_sum: 4, product_type_agg: 0 },
    { product_type: 'shirt', product_sum: 4, product_type_agg: 0 },
  ]],
]);

export const APPROXIMATE_AGGREGATE_FUNCTIONS = family('approximate_aggregate_functions', [
  agg('approx_count_distinct', 'APPROX_COUNT_DISTINCT(x)', 'UNNEST([0, 1, 1, 2, 3, 5]) AS x', 5),
  agg('approx_quantiles', 'APPROX_QUANTILES(x, 2)', 'UNNEST([1, 1, 1, 4, 5, 6, 7, 8, 9, 10]) AS x', [1, 5, 10]),
  agg('approx_quantiles', 'APPROX_QUANTILES(DISTINCT x, 2)', 'UNNEST([1, 1, 1, 4, 5, 6, 7, 8, 9, 10]) AS x', [1, 6, 10]),
  agg('approx_top_count', 'APPROX_TOP_COUNT(x, 2)', "UNNEST(['apple', 'apple', 'pear', 'pear', 'pear', 'banana']) AS x", [{ value: 'pear', count: 3 }, { value: 'apple', count: 2 }]),
  agg('approx_top_sum', 'APPROX_TOP_SUM(x, weight, 2)', "UNNEST([STRUCT('apple' AS x, 3 AS weight), ('pear', 2), ('apple', 0), ('banana', 5), ('pear', 4)])", [{ value: 'pear', sum: 6 }, { value: 'banana', sum: 5 }]),
  agg('approx_top_count', 'APPROX_TOP_COUNT(x, 2)', "UNNEST([NULL, 'pear', 'pear', 'pear', 'apple', NULL]) AS x", [{ value: 'pear', count: 3 }, { value: null, count: 2 }]),
  agg('approx_top_sum', 'APPROX_TOP_SUM(x, weight, 2)', "UNNEST([STRUCT('apple' AS x, NULL AS weight), ('pear', 0), ('pear', NULL)])", [{ value: 'pear', sum: 0 }, { value: 'apple', sum: null }]),
  // [NULL, 4, 10] on the page; a result array cannot hold NULL, so it is shown as JSON text.
  agg('approx_quantiles', 'TO_JSON_STRING(APPROX_QUANTILES(x, 2 RESPECT NULLS))', 'UNNEST([NULL, NULL, 1, 1, 1, 4, 5, 6, 7, 8, 9, 10]) AS x', '[null,4,10]'),
]);

const XY = 'UNNEST([STRUCT(1.0 AS y, 5.0 AS x), (3.0, 9.0), (4.0, 7.0)])';

export const STATISTICAL_AGGREGATE_FUNCTIONS = family('statistical_aggregate_functions', [
  agg('corr', 'CORR(y, x)', XY, 0.6546536707079772),
  agg('covar_pop', 'COVAR_POP(y, x)', XY, 1.3333333333333333),
  agg('covar_samp', 'COVAR_SAMP(y, x)', XY, 2),
  agg('stddev_pop', 'STDDEV_POP(x)', 'UNNEST([10, 14, 18]) AS x', 3.265986323710904),
  agg('stddev_samp', 'STDDEV_SAMP(x)', 'UNNEST([10, 14, 18]) AS x', 4),
  agg('stddev', 'STDDEV(x)', 'UNNEST([10, 14, 18]) AS x', 4),
  agg('var_pop', 'VAR_POP(x)', 'UNNEST([10, 14, 18]) AS x', 10.666666666666666),
  agg('var_samp', 'VAR_SAMP(x)', 'UNNEST([10, 14, 18]) AS x', 16),
  agg('variance', 'VARIANCE(x)', 'UNNEST([10, 14, 18]) AS x', 16),
  agg('stddev_samp', 'STDDEV_SAMP(x)', 'UNNEST([10]) AS x', null),
]);

const FINISHERS = `WITH finishers AS (
  SELECT 'Sophia Liu' AS name, TIMESTAMP '2016-10-18 2:51:45+00' AS finish_time, 'F30-34' AS division
  UNION ALL SELECT 'Lisa Stelzner', TIMESTAMP '2016-10-18 2:54:11+00', 'F35-39'
  UNION ALL SELECT 'Nikki Leith', TIMESTAMP '2016-10-18 2:59:01+00', 'F30-34'
  UNION ALL SELECT 'Lauren Matthews', TIMESTAMP '2016-10-18 3:01:17+00', 'F35-39'
  UNION ALL SELECT 'Desiree Berry', TIMESTAMP '2016-10-18 3:05:42+00', 'F35-39'
  UNION ALL SELECT 'Suzy Slane', TIMESTAMP '2016-10-18 3:06:24+00', 'F35-39'
  UNION ALL SELECT 'Jen Edwards', TIMESTAMP '2016-10-18 3:06:36+00', 'F30-34'
  UNION ALL SELECT 'Meghan Lederer', TIMESTAMP '2016-10-18 3:07:41+00', 'F30-34'
  UNION ALL SELECT 'Carly Forte', TIMESTAMP '2016-10-18 3:08:58+00', 'F25-29'
  UNION ALL SELECT 'Lauren Reasoner', TIMESTAMP '2016-10-18 3:10:14+00', 'F30-34')`;
const NAMES = ['Carly Forte', 'Sophia Liu', 'Nikki Leith', 'Jen Edwards', 'Meghan Lederer', 'Lauren Reasoner', 'Lisa Stelzner', 'Lauren Matthews', 'Desiree Berry', 'Suzy Slane'];
const nav = (anchor: string, expr: string, values: unknown[]) =>
  [anchor, `${FINISHERS} SELECT name, ${expr} AS r FROM finishers ORDER BY division, finish_time`, NAMES.map((name, i) => ({ name, r: values[i] }))] as [string, string, Record<string, unknown>[]];
const NUMBERS = 'WITH Numbers AS (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 2 UNION ALL SELECT 5 UNION ALL SELECT 8 UNION ALL SELECT 10 UNION ALL SELECT 10)';
const num = (anchor: string, expr: string, values: unknown[]) =>
  [anchor, `${NUMBERS} SELECT x, ${expr} AS r FROM Numbers`, [1, 2, 2, 5, 8, 10, 10].map((x, i) => ({ x, r: values[i] }))] as [string, string, Record<string, unknown>[]];

export const NAVIGATION_FUNCTIONS = family('navigation_functions', [
  nav('lead', 'LEAD(name) OVER (PARTITION BY division ORDER BY finish_time ASC)', [null, 'Nikki Leith', 'Jen Edwards', 'Meghan Lederer', 'Lauren Reasoner', null, 'Lauren Matthews', 'Desiree Berry', 'Suzy Slane', null]),
  nav('lead', 'LEAD(name, 2) OVER (PARTITION BY division ORDER BY finish_time ASC)', [null, 'Jen Edwards', 'Meghan Lederer', 'Lauren Reasoner', null, null, 'Desiree Berry', 'Suzy Slane', null, null]),
  nav('lead', "LEAD(name, 2, 'Nobody') OVER (PARTITION BY division ORDER BY finish_time ASC)", ['Nobody', 'Jen Edwards', 'Meghan Lederer', 'Lauren Reasoner', 'Nobody', 'Nobody', 'Desiree Berry', 'Suzy Slane', 'Nobody', 'Nobody']),
  nav('lag', 'LAG(name) OVER (PARTITION BY division ORDER BY finish_time ASC)', [null, null, 'Sophia Liu', 'Nikki Leith', 'Jen Edwards', 'Meghan Lederer', null, 'Lisa Stelzner', 'Lauren Matthews', 'Desiree Berry']),
  nav('lag', "LAG(name, 2, 'NOBODY') OVER (PARTITION BY division ORDER BY finish_time ASC)", ['NOBODY', 'NOBODY', 'NOBODY', 'Sophia Liu', 'Nikki Leith', 'Jen Edwards', 'NOBODY', 'NOBODY', 'Lisa Stelzner', 'Lauren Matthews']),
  nav('first_value', 'FIRST_VALUE(name) OVER (PARTITION BY division ORDER BY finish_time ASC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)', ['Carly Forte', ...Array(5).fill('Sophia Liu'), ...Array(4).fill('Lisa Stelzner')]),
  nav('last_value', 'LAST_VALUE(name) OVER (PARTITION BY division ORDER BY finish_time ASC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)', ['Carly Forte', ...Array(5).fill('Lauren Reasoner'), ...Array(4).fill('Suzy Slane')]),
  nav('nth_value', 'NTH_VALUE(name, 2) OVER (PARTITION BY division ORDER BY finish_time ASC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)', [null, ...Array(5).fill('Nikki Leith'), ...Array(4).fill('Lauren Matthews')]),
  nav('first_value', 'TIMESTAMP_DIFF(finish_time, FIRST_VALUE(finish_time) OVER (PARTITION BY division ORDER BY finish_time ASC), SECOND)', [0, 0, 436, 891, 956, 1109, 0, 426, 691, 733]),
  ['percentile_cont', 'SELECT PERCENTILE_CONT(x, 0) OVER () AS min, PERCENTILE_CONT(x, 0.01) OVER () AS percentile1, PERCENTILE_CONT(x, 0.5) OVER () AS median, PERCENTILE_CONT(x, 0.9) OVER () AS percentile90, PERCENTILE_CONT(x, 1) OVER () AS max FROM UNNEST([0, 3, NULL, 1, 2]) AS x LIMIT 1', [{ min: 0, percentile1: 0.03, median: 1.5, percentile90: 2.7, max: 3 }]],
  ['percentile_cont', 'SELECT PERCENTILE_CONT(x, 0 RESPECT NULLS) OVER () AS min, PERCENTILE_CONT(x, 0.01 RESPECT NULLS) OVER () AS percentile1, PERCENTILE_CONT(x, 0.5 RESPECT NULLS) OVER () AS median, PERCENTILE_CONT(x, 0.9 RESPECT NULLS) OVER () AS percentile90, PERCENTILE_CONT(x, 1 RESPECT NULLS) OVER () AS max FROM UNNEST([0, 3, NULL, 1, 2]) AS x LIMIT 1', [{ min: null, percentile1: 0, median: 1, percentile90: 2.6, max: 3 }]],
  ['percentile_disc', "SELECT PERCENTILE_DISC(x, 0) OVER () AS min, PERCENTILE_DISC(x, 0.5) OVER () AS median, PERCENTILE_DISC(x, 1) OVER () AS max FROM UNNEST(['c', NULL, 'b', 'a']) AS x LIMIT 1", [{ min: 'a', median: 'b', max: 'c' }]],
  ['percentile_disc', "SELECT PERCENTILE_DISC(x, 0 RESPECT NULLS) OVER () AS min, PERCENTILE_DISC(x, 0.5 RESPECT NULLS) OVER () AS median, PERCENTILE_DISC(x, 1 RESPECT NULLS) OVER () AS max FROM UNNEST(['c', NULL, 'b', 'a']) AS x LIMIT 1", [{ min: null, median: 'a', max: 'c' }]],
]);

export const NUMBERING_FUNCTIONS = family('numbering_functions', [
  num('rank', 'RANK() OVER (ORDER BY x ASC)', [1, 2, 2, 4, 5, 6, 6]),
  num('dense_rank', 'DENSE_RANK() OVER (ORDER BY x ASC)', [1, 2, 2, 3, 4, 5, 5]),
  num('percent_rank', 'PERCENT_RANK() OVER (ORDER BY x ASC)', [0, 0.16666666666666666, 0.16666666666666666, 0.5, 0.6666666666666666, 0.8333333333333334, 0.8333333333333334]),
  num('cume_dist', 'CUME_DIST() OVER (ORDER BY x ASC)', [0.14285714285714285, 0.42857142857142855, 0.42857142857142855, 0.5714285714285714, 0.7142857142857143, 1, 1]),
  num('ntile', 'NTILE(2) OVER (ORDER BY x ASC)', [1, 1, 1, 1, 2, 2, 2]),
  num('ntile', 'NTILE(3) OVER (ORDER BY x ASC)', [1, 1, 1, 2, 2, 3, 3]),
  num('row_number', 'ROW_NUMBER() OVER (ORDER BY x ASC)', [1, 2, 3, 4, 5, 6, 7]),
  nav('rank', 'RANK() OVER (PARTITION BY division ORDER BY finish_time ASC)', [1, 1, 2, 3, 4, 5, 1, 2, 3, 4]),
  nav('row_number', 'ROW_NUMBER() OVER (PARTITION BY division ORDER BY finish_time ASC)', [1, 1, 2, 3, 4, 5, 1, 2, 3, 4]),
]);
