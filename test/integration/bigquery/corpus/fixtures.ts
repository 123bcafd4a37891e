// The small fixed tables the GoogleSQL corpus runs over: eight orders in three stores (one store
// has none), with nested items and a JSON payload kept as a STRING, as raw tables often do.
export interface FixtureTable {
  name: string;
  schema: { name: string; type: string; mode?: string; fields?: { name: string; type: string }[] }[];
  rows: Record<string, unknown>[];
}

const item = (sku: string, qty: number, price_cents: number): Record<string, unknown> => ({ sku, qty, price_cents });

export const FIXTURES: FixtureTable[] = [
  {
    name: 'stores',
    schema: [
      { name: 'store_id', type: 'INT64', mode: 'REQUIRED' },
      { name: 'city', type: 'STRING' },
      { name: 'opened_on', type: 'DATE' },
    ],
    rows: [
      { store_id: 1, city: 'Lyon', opened_on: '2020-01-15' },
      { store_id: 2, city: 'Paris', opened_on: '2021-06-01' },
      { store_id: 3, city: 'Nice', opened_on: '2023-11-20' },
      { store_id: 4, city: 'Lille', opened_on: '2024-02-29' },
    ],
  },
  {
    name: 'orders',
    schema: [
      { name: 'order_id', type: 'STRING', mode: 'REQUIRED' },
      { name: 'store_id', type: 'INT64' },
      { name: 'customer_id', type: 'STRING' },
      { name: 'channel', type: 'STRING' },
      { name: 'placed_at', type: 'TIMESTAMP' },
      { name: 'order_date', type: 'DATE' },
      { name: 'total_cents', type: 'INT64' },
      { name: 'discount_cents', type: 'INT64' },
      { name: 'items', type: 'RECORD', mode: 'REPEATED', fields: [{ name: 'sku', type: 'STRING' }, { name: 'qty', type: 'INT64' }, { name: 'price_cents', type: 'INT64' }] },
      { name: 'payload', type: 'STRING' },
    ],
    rows: [
      { order_id: 'o1', store_id: 1, customer_id: 'c1', channel: 'web', placed_at: '2024-03-01 18:30:00', order_date: '2024-03-01', total_cents: 2400, discount_cents: null, items: [item('margherita', 2, 1000), item('cola', 1, 400)], payload: '{"device":"ios","coupon":"PIZZA10"}' },
      { order_id: 'o2', store_id: 1, customer_id: 'c2', channel: 'pos', placed_at: '2024-03-01 19:05:00', order_date: '2024-03-01', total_cents: 900, discount_cents: 100, items: [item('cookie', 3, 300)], payload: '{"device":"pos"}' },
      { order_id: 'o3', store_id: 2, customer_id: 'c1', channel: 'app', placed_at: '2024-03-02 12:00:00', order_date: '2024-03-02', total_cents: 3100, discount_cents: 300, items: [item('pepperoni', 2, 1200), item('cola', 2, 350)], payload: '{"device":"android","coupon":"SAVE3"}' },
      { order_id: 'o4', store_id: 2, customer_id: 'c3', channel: 'web', placed_at: '2024-03-02 20:15:00', order_date: '2024-03-02', total_cents: 1200, discount_cents: null, items: [item('pepperoni', 1, 1200)], payload: '{"device":"web"}' },
      { order_id: 'o5', store_id: 3, customer_id: 'c2', channel: 'pos', placed_at: '2024-03-03 13:45:00', order_date: '2024-03-03', total_cents: 500, discount_cents: null, items: [], payload: '{"device":"pos"}' },
      { order_id: 'o6', store_id: 1, customer_id: 'c1', channel: 'web', placed_at: '2024-03-05 18:00:00', order_date: '2024-03-05', total_cents: 2000, discount_cents: 200, items: [item('margherita', 2, 1000)], payload: '{"device":"ios"}' },
      { order_id: 'o7', store_id: 3, customer_id: 'c4', channel: 'app', placed_at: '2024-03-05 21:30:00', order_date: '2024-03-05', total_cents: 4200, discount_cents: null, items: [item('margherita', 1, 1000), item('pepperoni', 2, 1200), item('cola', 2, 400)], payload: '{"device":"android"}' },
      { order_id: 'o8', store_id: 2, customer_id: 'c3', channel: 'pos', placed_at: '2024-03-06 11:10:00', order_date: '2024-03-06', total_cents: 800, discount_cents: null, items: [item('cookie', 2, 300), item('cola', 1, 200)], payload: '{"device":"pos"}' },
    ],
  },
];
