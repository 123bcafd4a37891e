// GoogleSQL typical of analytics marts, each with its result worked out by hand from fixtures.ts.
// `{ds}` is the corpus dataset. Values are as the official client returns them after plain():
// INT64 and FLOAT64 numbers, DATE 'YYYY-MM-DD', TIMESTAMP ISO strings, NUMERIC decimal strings.
//
// Hand sums used below: revenue by store 1: 2400+900+2000=5300, 2: 3100+1200+800=5100,
// 3: 500+4200=4700 (total 15100); by day 03-01 3300, 03-02 4300, 03-03 500, 03-05 6200, 03-06 800;
// items by sku (qty, qty*price): pepperoni 5/6000, margherita 5/5000, cola 6/2100, cookie 5/1500.
export interface CorpusQuery {
  name: string;
  sql: string;
  expected: Record<string, unknown>[];
}

const T = (iso: string): string => `${iso}.000Z`;

export const CORPUS: CorpusQuery[] = [
  // Aggregation
  { name: 'count all', sql: 'SELECT COUNT(*) AS n FROM {ds}.orders', expected: [{ n: 8 }] },
  {
    name: 'revenue by store',
    sql: 'SELECT store_id, COUNT(*) AS orders, SUM(total_cents) AS revenue FROM {ds}.orders GROUP BY store_id ORDER BY store_id',
    expected: [
      { store_id: 1, orders: 3, revenue: 5300 },
      { store_id: 2, orders: 3, revenue: 5100 },
      { store_id: 3, orders: 2, revenue: 4700 },
    ],
  },
  {
    name: 'rounded average by channel',
    sql: 'SELECT channel, ROUND(AVG(total_cents), 2) AS avg_cents FROM {ds}.orders GROUP BY channel ORDER BY channel',
    expected: [
      { channel: 'app', avg_cents: 3650 },
      { channel: 'pos', avg_cents: 733.33 },
      { channel: 'web', avg_cents: 1866.67 },
    ],
  },
  {
    name: 'COUNTIF',
    sql: "SELECT COUNTIF(discount_cents IS NOT NULL) AS discounted, COUNTIF(channel = 'web') AS web FROM {ds}.orders",
    expected: [{ discounted: 3, web: 3 }],
  },
  {
    name: 'HAVING',
    sql: 'SELECT customer_id, COUNT(*) AS n FROM {ds}.orders GROUP BY customer_id HAVING COUNT(*) >= 2 ORDER BY customer_id',
    expected: [
      { customer_id: 'c1', n: 3 },
      { customer_id: 'c2', n: 2 },
      { customer_id: 'c3', n: 2 },
    ],
  },
  {
    name: 'APPROX_COUNT_DISTINCT is exact on small inputs',
    sql: 'SELECT APPROX_COUNT_DISTINCT(customer_id) AS approx, COUNT(DISTINCT customer_id) AS exact FROM {ds}.orders',
    expected: [{ approx: 4, exact: 4 }],
  },
  {
    name: 'IFNULL and COALESCE',
    sql: 'SELECT SUM(IFNULL(discount_cents, 0)) AS discounts, SUM(COALESCE(discount_cents, 0) + total_cents) AS gross FROM {ds}.orders',
    expected: [{ discounts: 600, gross: 15700 }],
  },
  {
    name: 'IF',
    sql: "SELECT order_id, IF(total_cents >= 2000, 'large', 'small') AS size FROM {ds}.orders WHERE store_id = 1 ORDER BY order_id",
    expected: [
      { order_id: 'o1', size: 'large' },
      { order_id: 'o2', size: 'small' },
      { order_id: 'o6', size: 'large' },
    ],
  },
  {
    name: 'CASE buckets grouped by alias',
    sql: "SELECT CASE WHEN total_cents < 1000 THEN 'S' WHEN total_cents < 3000 THEN 'M' ELSE 'L' END AS bucket, COUNT(*) AS n FROM {ds}.orders GROUP BY bucket ORDER BY bucket",
    expected: [
      { bucket: 'L', n: 2 },
      { bucket: 'M', n: 3 },
      { bucket: 'S', n: 3 },
    ],
  },
  {
    name: 'LOGICAL_OR',
    sql: "SELECT store_id, LOGICAL_OR(channel = 'app') AS has_app FROM {ds}.orders GROUP BY store_id ORDER BY store_id",
    expected: [
      { store_id: 1, has_app: false },
      { store_id: 2, has_app: true },
      { store_id: 3, has_app: true },
    ],
  },
  {
    name: 'first order date per customer',
    sql: 'SELECT customer_id, MIN(order_date) AS first_order FROM {ds}.orders GROUP BY customer_id ORDER BY customer_id',
    expected: [
      { customer_id: 'c1', first_order: '2024-03-01' },
      { customer_id: 'c2', first_order: '2024-03-01' },
      { customer_id: 'c3', first_order: '2024-03-02' },
      { customer_id: 'c4', first_order: '2024-03-05' },
    ],
  },
  {
    name: 'repeat customers (ordered on more than one day)',
    sql: 'SELECT COUNT(DISTINCT customer_id) AS repeat_customers FROM (SELECT customer_id FROM {ds}.orders GROUP BY customer_id HAVING COUNT(DISTINCT order_date) > 1)',
    expected: [{ repeat_customers: 3 }],
  },
  {
    name: 'STRING_AGG ordered',
    sql: "SELECT STRING_AGG(city, ', ' ORDER BY city) AS cities FROM {ds}.stores",
    expected: [{ cities: 'Lille, Lyon, Nice, Paris' }],
  },
  {
    name: 'ARRAY_AGG ordered per store',
    sql: 'SELECT store_id, ARRAY_AGG(order_id ORDER BY placed_at) AS orders FROM {ds}.orders GROUP BY store_id ORDER BY store_id',
    expected: [
      { store_id: 1, orders: ['o1', 'o2', 'o6'] },
      { store_id: 2, orders: ['o3', 'o4', 'o8'] },
      { store_id: 3, orders: ['o5', 'o7'] },
    ],
  },

  // Window functions and QUALIFY
  {
    name: 'ROW_NUMBER per store',
    sql: 'SELECT order_id, ROW_NUMBER() OVER (PARTITION BY store_id ORDER BY placed_at) AS rn FROM {ds}.orders WHERE store_id = 2 ORDER BY rn',
    expected: [
      { order_id: 'o3', rn: 1 },
      { order_id: 'o4', rn: 2 },
      { order_id: 'o8', rn: 3 },
    ],
  },
  {
    name: 'QUALIFY latest order per store',
    sql: 'SELECT store_id, order_id FROM {ds}.orders WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY store_id ORDER BY placed_at DESC) = 1 ORDER BY store_id',
    expected: [
      { store_id: 1, order_id: 'o6' },
      { store_id: 2, order_id: 'o8' },
      { store_id: 3, order_id: 'o7' },
    ],
  },
  {
    name: 'QUALIFY dedupe keeping the largest order per customer',
    sql: 'SELECT customer_id, total_cents FROM {ds}.orders WHERE TRUE QUALIFY RANK() OVER (PARTITION BY customer_id ORDER BY total_cents DESC) = 1 ORDER BY customer_id',
    expected: [
      { customer_id: 'c1', total_cents: 3100 },
      { customer_id: 'c2', total_cents: 900 },
      { customer_id: 'c3', total_cents: 1200 },
      { customer_id: 'c4', total_cents: 4200 },
    ],
  },
  {
    name: 'running total',
    sql: 'SELECT order_id, SUM(total_cents) OVER (PARTITION BY store_id ORDER BY placed_at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM {ds}.orders WHERE store_id = 1 ORDER BY placed_at',
    expected: [
      { order_id: 'o1', running: 2400 },
      { order_id: 'o2', running: 3300 },
      { order_id: 'o6', running: 5300 },
    ],
  },
  {
    name: 'LAG and LEAD',
    sql: "SELECT order_id, LAG(total_cents) OVER (ORDER BY placed_at) AS prev, LEAD(order_id) OVER (ORDER BY placed_at) AS next_order FROM {ds}.orders WHERE customer_id = 'c1' ORDER BY placed_at",
    expected: [
      { order_id: 'o1', prev: null, next_order: 'o3' },
      { order_id: 'o3', prev: 2400, next_order: 'o6' },
      { order_id: 'o6', prev: 3100, next_order: null },
    ],
  },
  {
    name: 'RANK and DENSE_RANK over an aggregate',
    sql: 'SELECT store_id, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*) DESC) AS r, DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) AS dr FROM {ds}.orders GROUP BY store_id ORDER BY store_id',
    expected: [
      { store_id: 1, n: 3, r: 1, dr: 1 },
      { store_id: 2, n: 3, r: 1, dr: 1 },
      { store_id: 3, n: 2, r: 3, dr: 2 },
    ],
  },
  {
    name: 'FIRST_VALUE',
    sql: 'SELECT DISTINCT store_id, FIRST_VALUE(order_id) OVER (PARTITION BY store_id ORDER BY total_cents DESC) AS top_order FROM {ds}.orders ORDER BY store_id',
    expected: [
      { store_id: 1, top_order: 'o1' },
      { store_id: 2, top_order: 'o3' },
      { store_id: 3, top_order: 'o7' },
    ],
  },
  {
    name: 'NTILE',
    sql: 'SELECT order_id, NTILE(2) OVER (ORDER BY total_cents) AS half FROM {ds}.orders ORDER BY total_cents',
    expected: [
      { order_id: 'o5', half: 1 },
      { order_id: 'o8', half: 1 },
      { order_id: 'o2', half: 1 },
      { order_id: 'o4', half: 1 },
      { order_id: 'o6', half: 2 },
      { order_id: 'o1', half: 2 },
      { order_id: 'o3', half: 2 },
      { order_id: 'o7', half: 2 },
    ],
  },
  {
    name: 'PERCENT_RANK',
    sql: 'SELECT order_id, PERCENT_RANK() OVER (ORDER BY total_cents) AS pr FROM {ds}.orders WHERE store_id = 1 ORDER BY total_cents',
    expected: [
      { order_id: 'o2', pr: 0 },
      { order_id: 'o6', pr: 0.5 },
      { order_id: 'o1', pr: 1 },
    ],
  },
  {
    name: 'share of total with a window over an aggregate',
    sql: 'SELECT store_id, ROUND(100 * SUM(total_cents) / SUM(SUM(total_cents)) OVER (), 1) AS pct FROM {ds}.orders GROUP BY store_id ORDER BY store_id',
    expected: [
      { store_id: 1, pct: 35.1 },
      { store_id: 2, pct: 33.8 },
      { store_id: 3, pct: 31.1 },
    ],
  },
  {
    name: 'two-day moving average of daily revenue',
    sql: 'SELECT order_date, SUM(total_cents) AS day_total, AVG(SUM(total_cents)) OVER (ORDER BY order_date ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS ma2 FROM {ds}.orders GROUP BY order_date ORDER BY order_date',
    expected: [
      { order_date: '2024-03-01', day_total: 3300, ma2: 3300 },
      { order_date: '2024-03-02', day_total: 4300, ma2: 3800 },
      { order_date: '2024-03-03', day_total: 500, ma2: 2400 },
      { order_date: '2024-03-05', day_total: 6200, ma2: 3350 },
      { order_date: '2024-03-06', day_total: 800, ma2: 3500 },
    ],
  },
  {
    name: 'PERCENTILE_CONT median',
    sql: 'SELECT DISTINCT PERCENTILE_CONT(total_cents, 0.5) OVER () AS median FROM {ds}.orders',
    expected: [{ median: 1600 }],
  },
  {
    name: 'PERCENTILE_CONT per store',
    sql: 'SELECT DISTINCT store_id, PERCENTILE_CONT(total_cents, 0.5) OVER (PARTITION BY store_id) AS med FROM {ds}.orders ORDER BY store_id',
    expected: [
      { store_id: 1, med: 2000 },
      { store_id: 2, med: 1200 },
      { store_id: 3, med: 2350 },
    ],
  },

  // ARRAY, STRUCT, UNNEST
  {
    name: 'UNNEST items',
    sql: 'SELECT o.order_id, i.sku, i.qty FROM {ds}.orders AS o, UNNEST(o.items) AS i WHERE o.store_id = 3 ORDER BY o.order_id, i.sku',
    expected: [
      { order_id: 'o7', sku: 'cola', qty: 2 },
      { order_id: 'o7', sku: 'margherita', qty: 1 },
      { order_id: 'o7', sku: 'pepperoni', qty: 2 },
    ],
  },
  {
    name: 'UNNEST WITH OFFSET is zero-based',
    sql: "SELECT o.order_id, i.sku, pos FROM {ds}.orders AS o, UNNEST(o.items) AS i WITH OFFSET AS pos WHERE o.order_id IN ('o1', 'o7') ORDER BY o.order_id, pos",
    expected: [
      { order_id: 'o1', sku: 'margherita', pos: 0 },
      { order_id: 'o1', sku: 'cola', pos: 1 },
      { order_id: 'o7', sku: 'margherita', pos: 0 },
      { order_id: 'o7', sku: 'pepperoni', pos: 1 },
      { order_id: 'o7', sku: 'cola', pos: 2 },
    ],
  },
  {
    name: 'UNNEST of a literal array WITH OFFSET',
    sql: "SELECT x, off FROM UNNEST(['a', 'b', 'c']) AS x WITH OFFSET off ORDER BY off",
    expected: [
      { x: 'a', off: 0 },
      { x: 'b', off: 1 },
      { x: 'c', off: 2 },
    ],
  },
  {
    name: 'revenue by sku from nested items',
    sql: 'SELECT i.sku, SUM(i.qty) AS qty, SUM(i.qty * i.price_cents) AS revenue FROM {ds}.orders, UNNEST(items) AS i GROUP BY i.sku ORDER BY revenue DESC',
    expected: [
      { sku: 'pepperoni', qty: 5, revenue: 6000 },
      { sku: 'margherita', qty: 5, revenue: 5000 },
      { sku: 'cola', qty: 6, revenue: 2100 },
      { sku: 'cookie', qty: 5, revenue: 1500 },
    ],
  },
  {
    name: 'ARRAY_LENGTH',
    sql: 'SELECT order_id, ARRAY_LENGTH(items) AS n FROM {ds}.orders WHERE store_id = 3 ORDER BY order_id',
    expected: [
      { order_id: 'o5', n: 0 },
      { order_id: 'o7', n: 3 },
    ],
  },
  {
    name: 'ARRAY subquery',
    sql: "SELECT order_id, ARRAY(SELECT sku FROM UNNEST(items) ORDER BY sku) AS skus FROM {ds}.orders WHERE order_id = 'o7'",
    expected: [{ order_id: 'o7', skus: ['cola', 'margherita', 'pepperoni'] }],
  },
  {
    name: 'EXISTS over UNNEST',
    sql: "SELECT COUNT(*) AS n FROM {ds}.orders WHERE EXISTS (SELECT 1 FROM UNNEST(items) AS i WHERE i.sku = 'cola')",
    expected: [{ n: 4 }],
  },
  {
    name: 'IN subquery over UNNEST',
    sql: "SELECT COUNT(*) AS n FROM {ds}.orders WHERE 'cookie' IN (SELECT sku FROM UNNEST(items))",
    expected: [{ n: 2 }],
  },
  {
    name: 'scalar subquery over UNNEST (NULL for an empty array)',
    sql: 'SELECT order_id, (SELECT SUM(qty) FROM UNNEST(items)) AS qty FROM {ds}.orders WHERE store_id = 3 ORDER BY order_id',
    expected: [
      { order_id: 'o5', qty: null },
      { order_id: 'o7', qty: 5 },
    ],
  },
  {
    name: 'STRUCT construction',
    sql: 'SELECT STRUCT(store_id AS id, city) AS store FROM {ds}.stores WHERE store_id = 1',
    expected: [{ store: { id: 1, city: 'Lyon' } }],
  },
  {
    name: 'STRUCT field access',
    sql: 'SELECT s.city FROM (SELECT STRUCT(store_id AS id, city) AS s FROM {ds}.stores) WHERE s.id = 2',
    expected: [{ city: 'Paris' }],
  },
  {
    name: 'UNNEST an array of STRUCT literals',
    sql: "SELECT x.a, x.b FROM UNNEST([STRUCT(1 AS a, 'x' AS b), STRUCT(2 AS a, 'y' AS b)]) AS x ORDER BY x.a",
    expected: [
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ],
  },
  {
    name: 'GENERATE_ARRAY',
    sql: 'SELECT SUM(n) AS s FROM UNNEST(GENERATE_ARRAY(1, 10)) AS n',
    expected: [{ s: 55 }],
  },
  {
    name: 'array OFFSET and SAFE_OFFSET',
    sql: "SELECT SPLIT('a,b,c', ',')[OFFSET(1)] AS second, SPLIT('a,b,c', ',')[SAFE_OFFSET(5)] AS missing",
    expected: [{ second: 'b', missing: null }],
  },

  // Dates and times
  {
    name: 'GENERATE_DATE_ARRAY across a leap day',
    sql: "SELECT d FROM UNNEST(GENERATE_DATE_ARRAY('2024-02-27', '2024-03-02')) AS d ORDER BY d",
    expected: [{ d: '2024-02-27' }, { d: '2024-02-28' }, { d: '2024-02-29' }, { d: '2024-03-01' }, { d: '2024-03-02' }],
  },
  {
    name: 'date spine LEFT JOIN',
    sql: "SELECT d AS day, COUNT(o.order_id) AS orders FROM UNNEST(GENERATE_DATE_ARRAY('2024-03-01', '2024-03-06')) AS d LEFT JOIN {ds}.orders AS o ON o.order_date = d GROUP BY d ORDER BY d",
    expected: [
      { day: '2024-03-01', orders: 2 },
      { day: '2024-03-02', orders: 2 },
      { day: '2024-03-03', orders: 1 },
      { day: '2024-03-04', orders: 0 },
      { day: '2024-03-05', orders: 2 },
      { day: '2024-03-06', orders: 1 },
    ],
  },
  {
    name: 'DATE_TRUNC to ISO weeks starting Monday',
    sql: 'SELECT DATE_TRUNC(order_date, WEEK(MONDAY)) AS wk, SUM(total_cents) AS rev FROM {ds}.orders GROUP BY wk ORDER BY wk',
    expected: [
      { wk: '2024-02-26', rev: 8100 },
      { wk: '2024-03-04', rev: 7000 },
    ],
  },
  {
    name: 'DATE_TRUNC month and year',
    sql: "SELECT DATE_TRUNC(DATE '2024-03-17', MONTH) AS m, DATE_TRUNC(DATE '2024-03-17', YEAR) AS y",
    expected: [{ m: '2024-03-01', y: '2024-01-01' }],
  },
  {
    name: 'DATE_ADD and DATE_SUB clamp to month ends',
    sql: "SELECT DATE_ADD(DATE '2024-02-28', INTERVAL 1 DAY) AS a, DATE_SUB(DATE '2024-03-31', INTERVAL 1 MONTH) AS b, DATE_ADD(DATE '2024-01-31', INTERVAL 1 MONTH) AS c",
    expected: [{ a: '2024-02-29', b: '2024-02-29', c: '2024-02-29' }],
  },
  {
    name: 'INTERVAL with an expression',
    sql: "SELECT order_id FROM {ds}.orders WHERE order_date >= DATE_SUB(DATE '2024-03-06', INTERVAL 1 + 1 DAY) ORDER BY order_id",
    expected: [{ order_id: 'o6' }, { order_id: 'o7' }, { order_id: 'o8' }],
  },
  {
    name: 'INTERVAL with a column',
    sql: "SELECT DATE_ADD(order_date, INTERVAL store_id DAY) AS d FROM {ds}.orders WHERE order_id = 'o4'",
    expected: [{ d: '2024-03-04' }],
  },
  {
    name: 'DATE_DIFF in days and months',
    sql: "SELECT DATE_DIFF(DATE '2024-03-06', DATE '2024-03-01', DAY) AS days, DATE_DIFF(DATE '2024-03-01', DATE '2023-12-31', MONTH) AS months",
    expected: [{ days: 5, months: 3 }],
  },
  {
    name: 'EXTRACT (DAYOFWEEK counts from Sunday = 1)',
    sql: "SELECT EXTRACT(DAYOFWEEK FROM DATE '2024-03-01') AS dow, EXTRACT(YEAR FROM order_date) AS y, EXTRACT(HOUR FROM placed_at) AS h FROM {ds}.orders WHERE order_id = 'o1'",
    expected: [{ dow: 6, y: 2024, h: 18 }],
  },
  {
    name: 'EXTRACT WEEK (Sunday weeks from 0), WEEK(MONDAY) and ISOWEEK',
    sql: "SELECT EXTRACT(WEEK FROM DATE '2024-03-01') AS w, EXTRACT(WEEK FROM DATE '2024-01-06') AS w0, EXTRACT(WEEK(MONDAY) FROM DATE '2024-03-01') AS wm, EXTRACT(ISOWEEK FROM DATE '2024-03-01') AS iso",
    expected: [{ w: 8, w0: 0, wm: 9, iso: 9 }],
  },
  {
    name: 'FORMAT_DATE',
    sql: "SELECT FORMAT_DATE('%Y-%m', order_date) AS ym, FORMAT_DATE('%a %d %b', DATE '2024-03-01') AS pretty FROM {ds}.orders WHERE order_id = 'o1'",
    expected: [{ ym: '2024-03', pretty: 'Fri 01 Mar' }],
  },
  {
    name: 'FORMAT_TIMESTAMP',
    sql: "SELECT FORMAT_TIMESTAMP('%Y-%m-%d %H:%M', placed_at) AS f FROM {ds}.orders WHERE order_id = 'o2'",
    expected: [{ f: '2024-03-01 19:05' }],
  },
  {
    name: 'PARSE_DATE and LAST_DAY',
    sql: "SELECT PARSE_DATE('%Y%m%d', '20240229') AS d, LAST_DAY(DATE '2024-02-10') AS l",
    expected: [{ d: '2024-02-29', l: '2024-02-29' }],
  },
  {
    name: 'TIMESTAMP_TRUNC to the hour',
    sql: "SELECT TIMESTAMP_TRUNC(placed_at, HOUR) AS h, COUNT(*) AS n FROM {ds}.orders WHERE order_date = '2024-03-01' GROUP BY h ORDER BY h",
    expected: [
      { h: T('2024-03-01T18:00:00'), n: 1 },
      { h: T('2024-03-01T19:00:00'), n: 1 },
    ],
  },
  {
    name: 'TIMESTAMP_DIFF truncates',
    sql: 'SELECT TIMESTAMP_DIFF(MAX(placed_at), MIN(placed_at), HOUR) AS span_h FROM {ds}.orders',
    expected: [{ span_h: 112 }],
  },
  {
    name: 'TIMESTAMP_ADD across midnight',
    sql: "SELECT TIMESTAMP_ADD(TIMESTAMP '2024-03-01 23:30:00 UTC', INTERVAL 45 MINUTE) AS t",
    expected: [{ t: T('2024-03-02T00:15:00') }],
  },
  {
    name: 'UNIX_SECONDS',
    sql: "SELECT UNIX_SECONDS(TIMESTAMP '2024-03-01 00:00:00 UTC') AS s",
    expected: [{ s: 1709251200 }],
  },
  {
    name: 'DATE of a TIMESTAMP, grouped',
    sql: 'SELECT DATE(placed_at) AS d, COUNT(*) AS n FROM {ds}.orders GROUP BY d HAVING COUNT(*) > 1 ORDER BY d',
    expected: [
      { d: '2024-03-01', n: 2 },
      { d: '2024-03-02', n: 2 },
      { d: '2024-03-05', n: 2 },
    ],
  },
  {
    name: 'BETWEEN on dates with string literals',
    sql: "SELECT COUNT(*) AS n FROM {ds}.orders WHERE order_date BETWEEN '2024-03-02' AND '2024-03-05'",
    expected: [{ n: 5 }],
  },
  {
    name: 'CAST DATE to STRING',
    sql: "SELECT CAST(DATE '2024-03-01' AS STRING) AS s",
    expected: [{ s: '2024-03-01' }],
  },

  // SAFE functions
  {
    name: 'SAFE_DIVIDE',
    sql: 'SELECT SAFE_DIVIDE(10, 0) AS a, SAFE_DIVIDE(10, 4) AS b',
    expected: [{ a: null, b: 2.5 }],
  },
  {
    name: 'SAFE_CAST',
    sql: "SELECT SAFE_CAST('12' AS INT64) AS a, SAFE_CAST('x' AS INT64) AS b",
    expected: [{ a: 12, b: null }],
  },
  {
    name: 'SAFE. prefix',
    sql: "SELECT SAFE.PARSE_DATE('%Y-%m-%d', 'nope') AS d",
    expected: [{ d: null }],
  },
  {
    name: 'discount rate with SAFE_DIVIDE per store',
    sql: 'SELECT store_id, ROUND(SAFE_DIVIDE(SUM(IFNULL(discount_cents, 0)), SUM(total_cents)) * 100, 2) AS pct FROM {ds}.orders GROUP BY store_id ORDER BY store_id',
    expected: [
      { store_id: 1, pct: 5.66 },
      { store_id: 2, pct: 5.88 },
      { store_id: 3, pct: 0 },
    ],
  },

  // JSON and strings
  {
    name: 'JSON_VALUE filters and projects',
    sql: "SELECT order_id, JSON_VALUE(payload, '$.coupon') AS coupon FROM {ds}.orders WHERE JSON_VALUE(payload, '$.coupon') IS NOT NULL ORDER BY order_id",
    expected: [
      { order_id: 'o1', coupon: 'PIZZA10' },
      { order_id: 'o3', coupon: 'SAVE3' },
    ],
  },
  {
    name: 'JSON_VALUE grouped',
    sql: "SELECT JSON_VALUE(payload, '$.device') AS device, COUNT(*) AS n FROM {ds}.orders GROUP BY device ORDER BY device",
    expected: [
      { device: 'android', n: 2 },
      { device: 'ios', n: 2 },
      { device: 'pos', n: 3 },
      { device: 'web', n: 1 },
    ],
  },
  {
    name: 'JSON_VALUE of PARSE_JSON',
    sql: 'SELECT JSON_VALUE(PARSE_JSON(\'{"a":{"b":5}}\'), \'$.a.b\') AS v',
    expected: [{ v: '5' }],
  },
  {
    name: 'string functions',
    sql: "SELECT UPPER(city) AS u, LENGTH(city) AS len, CONCAT(city, '-', CAST(store_id AS STRING)) AS k FROM {ds}.stores WHERE store_id = 3",
    expected: [{ u: 'NICE', len: 4, k: 'Nice-3' }],
  },
  {
    name: 'REGEXP_CONTAINS',
    sql: 'SELECT order_id FROM {ds}.orders WHERE REGEXP_CONTAINS(payload, r\'"device":"(ios|android)"\') ORDER BY order_id',
    expected: [{ order_id: 'o1' }, { order_id: 'o3' }, { order_id: 'o6' }, { order_id: 'o7' }],
  },

  // Joins, set operations, CTEs, star modifiers, arithmetic
  {
    name: 'LEFT JOIN USING keeps stores without orders',
    sql: 'SELECT s.city, COUNT(o.order_id) AS n FROM {ds}.stores AS s LEFT JOIN {ds}.orders AS o USING (store_id) GROUP BY s.city ORDER BY s.city',
    expected: [
      { city: 'Lille', n: 0 },
      { city: 'Lyon', n: 3 },
      { city: 'Nice', n: 2 },
      { city: 'Paris', n: 3 },
    ],
  },
  {
    name: 'CTE chain picks the best day',
    sql: 'WITH daily AS (SELECT order_date, SUM(total_cents) AS rev FROM {ds}.orders GROUP BY order_date), best AS (SELECT MAX(rev) AS m FROM daily) SELECT d.order_date FROM daily AS d JOIN best AS b ON d.rev = b.m',
    expected: [{ order_date: '2024-03-05' }],
  },
  {
    name: 'UNION ALL',
    sql: "SELECT 'web' AS src, COUNT(*) AS n FROM {ds}.orders WHERE channel = 'web' UNION ALL SELECT 'app', COUNT(*) FROM {ds}.orders WHERE channel = 'app' ORDER BY src",
    expected: [
      { src: 'app', n: 2 },
      { src: 'web', n: 3 },
    ],
  },
  {
    name: 'EXCEPT DISTINCT',
    sql: 'SELECT store_id FROM {ds}.stores EXCEPT DISTINCT SELECT store_id FROM {ds}.orders',
    expected: [{ store_id: 4 }],
  },
  {
    name: 'SELECT * EXCEPT',
    sql: 'SELECT * EXCEPT (opened_on) FROM {ds}.stores WHERE store_id = 2',
    expected: [{ store_id: 2, city: 'Paris' }],
  },
  {
    name: 'SELECT * REPLACE',
    sql: 'SELECT * REPLACE (UPPER(city) AS city) FROM {ds}.stores WHERE store_id = 1',
    expected: [{ store_id: 1, city: 'LYON', opened_on: '2020-01-15' }],
  },
  {
    name: 'NUMERIC division',
    sql: "SELECT CAST(total_cents AS NUMERIC) / 100 AS eur FROM {ds}.orders WHERE order_id = 'o3'",
    expected: [{ eur: '31' }],
  },
  {
    name: 'division, DIV and MOD',
    sql: 'SELECT 7 / 2 AS f, DIV(7, 2) AS i, MOD(7, 2) AS m',
    expected: [{ f: 3.5, i: 3, m: 1 }],
  },
  {
    name: 'GREATEST and LEAST',
    sql: "SELECT GREATEST(1, 5, 3) AS g, LEAST('b', 'a') AS l",
    expected: [{ g: 5, l: 'a' }],
  },

  // MERGE and scripts, as Dataform emits them
  {
    name: 'MERGE updates matches and inserts new keys',
    sql: `CREATE OR REPLACE TABLE {ds}.inv_m1 AS SELECT 1 AS store_id, 'cola' AS sku, 10 AS on_hand UNION ALL SELECT 1, 'cookie', 5;
      MERGE {ds}.inv_m1 AS t USING (SELECT 1 AS store_id, 'cola' AS sku, 3 AS sold UNION ALL SELECT 1, 'margherita', 0) AS s
        ON t.store_id = s.store_id AND t.sku = s.sku
        WHEN MATCHED THEN UPDATE SET on_hand = t.on_hand - s.sold
        WHEN NOT MATCHED THEN INSERT (store_id, sku, on_hand) VALUES (s.store_id, s.sku, 0);
      SELECT sku, on_hand FROM {ds}.inv_m1 ORDER BY sku`,
    expected: [
      { sku: 'cola', on_hand: 7 },
      { sku: 'cookie', on_hand: 5 },
      { sku: 'margherita', on_hand: 0 },
    ],
  },
  {
    name: 'MERGE with NOT MATCHED BY SOURCE THEN DELETE',
    sql: `CREATE OR REPLACE TABLE {ds}.inv_m2 AS SELECT 'a' AS k, 1 AS v UNION ALL SELECT 'b', 2;
      MERGE {ds}.inv_m2 AS t USING (SELECT 'b' AS k, 20 AS v UNION ALL SELECT 'c', 30) AS s ON t.k = s.k
        WHEN MATCHED THEN UPDATE SET v = s.v
        WHEN NOT MATCHED BY TARGET THEN INSERT (k, v) VALUES (s.k, s.v)
        WHEN NOT MATCHED BY SOURCE THEN DELETE;
      SELECT k, v FROM {ds}.inv_m2 ORDER BY k`,
    expected: [
      { k: 'b', v: 20 },
      { k: 'c', v: 30 },
    ],
  },
  {
    name: 'incremental script with DECLARE, CREATE OR REPLACE and INSERT',
    sql: `DECLARE since DATE DEFAULT '2024-03-05';
      CREATE OR REPLACE TABLE {ds}.daily_m AS SELECT order_date, SUM(total_cents) AS rev FROM {ds}.orders WHERE order_date < since GROUP BY order_date;
      INSERT INTO {ds}.daily_m (order_date, rev) SELECT order_date, SUM(total_cents) FROM {ds}.orders WHERE order_date >= since GROUP BY order_date;
      SELECT COUNT(*) AS days, SUM(rev) AS rev FROM {ds}.daily_m`,
    expected: [{ days: 5, rev: 15100 }],
  },
  {
    name: 'DATETIME in a time zone',
    sql: "SELECT DATETIME(placed_at, 'Europe/Paris') AS local_at FROM {ds}.orders WHERE order_id = 'o1'",
    expected: [{ local_at: '2024-03-01T19:30:00' }],
  },
];
