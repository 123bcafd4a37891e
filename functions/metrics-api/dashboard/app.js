// The merchant dashboard: reads the metrics API with the merchant's key and draws inline SVG charts.
// No build step and no chart library: a handful of small drawing functions below.
'use strict';

(function () {
  const COLORS = ['#b3261e', '#1f6feb', '#2da44e', '#bf8700', '#8250df', '#d1495b', '#0a7e8c', '#6e7781'];
  const SVG = 'http://www.w3.org/2000/svg';
  const form = document.getElementById('controls');
  const status = document.getElementById('status');

  const money = (cents) => '$' + (cents / 100).toLocaleString('en-US', { maximumFractionDigits: 0 });
  const isoDate = (d) => d.toISOString().slice(0, 10);

  function el(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function html(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function target(id) {
    const box = document.querySelector('#' + id + ' .chart');
    box.replaceChildren();
    return box;
  }

  function empty(box, text) {
    box.appendChild(html('p', { class: 'empty' }, text || 'No data in this range.'));
  }

  function legend(box, names) {
    const div = html('div', { class: 'legend' });
    names.forEach((name, i) => {
      const item = html('span');
      const swatch = html('i');
      swatch.style.background = COLORS[i % COLORS.length];
      item.append(swatch, name);
      div.appendChild(item);
    });
    box.appendChild(div);
  }

  /** A chart top that splits into four round steps (1, 2, 2.5 or 5 × 10^k). */
  function niceMax(v) {
    if (v <= 0) return 4;
    const raw = v / 4;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= raw);
    return step * 4;
  }

  function axes(svg, w, h, pad, max, format) {
    for (let i = 0; i <= 4; i++) {
      const y = pad.top + (h - pad.top - pad.bottom) * (1 - i / 4);
      svg.appendChild(el('line', { x1: pad.left, x2: w - pad.right, y1: y, y2: y, stroke: '#e3e7ec' }));
      svg.appendChild(el('text', { x: pad.left - 6, y: y + 4, 'text-anchor': 'end' }, format((max * i) / 4)));
    }
  }

  /** series: [{name, points: [[xLabel, value]]}] over a shared, ordered x axis. */
  function lineChart(box, xs, series, format) {
    const w = 960, h = 260, pad = { top: 10, right: 10, bottom: 36, left: 60 };
    const max = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[1]))));
    const svg = el('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', 'data-points': series.reduce((n, s) => n + s.points.length, 0) });
    axes(svg, w, h, pad, max, format);
    const index = new Map(xs.map((x, i) => [x, i]));
    const xAt = (x) => pad.left + ((w - pad.left - pad.right) * index.get(x)) / Math.max(1, xs.length - 1);
    const yAt = (v) => pad.top + (h - pad.top - pad.bottom) * (1 - v / max);
    const step = Math.max(1, Math.ceil(xs.length / 12));
    xs.forEach((x, i) => {
      if (i % step === 0) svg.appendChild(el('text', { x: xAt(x), y: h - pad.bottom + 16, 'text-anchor': 'middle' }, x.slice(5, 13).replace('T', ' ') + (x.length > 10 ? 'h' : '')));
    });
    series.forEach((s, i) => {
      const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${xAt(p[0]).toFixed(1)},${yAt(p[1]).toFixed(1)}`).join('');
      svg.appendChild(el('path', { d, fill: 'none', stroke: COLORS[i % COLORS.length], 'stroke-width': 2 }));
    });
    box.appendChild(svg);
    legend(box, series.map((s) => s.name));
  }

  /** groups: [{label, values: [v per series]}]; vertical grouped bars. */
  function barChart(box, groups, seriesNames, format) {
    const w = 460, h = 240, pad = { top: 10, right: 10, bottom: 36, left: 60 };
    const max = niceMax(Math.max(0, ...groups.flatMap((g) => g.values)));
    const svg = el('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', 'data-points': groups.length * seriesNames.length });
    axes(svg, w, h, pad, max, format);
    const band = (w - pad.left - pad.right) / Math.max(1, groups.length);
    const bar = (band * 0.8) / seriesNames.length;
    groups.forEach((g, gi) => {
      g.values.forEach((v, si) => {
        const x = pad.left + gi * band + band * 0.1 + si * bar;
        const y = pad.top + (h - pad.top - pad.bottom) * (1 - v / max);
        const rect = el('rect', { x, y, width: Math.max(1, bar - 1), height: h - pad.bottom - y, fill: COLORS[si % COLORS.length] });
        rect.appendChild(el('title', {}, `${g.label} · ${seriesNames[si]}: ${format(v)}`));
        svg.appendChild(rect);
      });
      svg.appendChild(el('text', { x: pad.left + gi * band + band / 2, y: h - pad.bottom + 16, 'text-anchor': 'middle' }, g.label));
    });
    box.appendChild(svg);
    if (seriesNames.length > 1) legend(box, seriesNames);
  }

  /** Horizontal bars, one per label, sorted by value. */
  function hbarChart(box, items, format) {
    const row = 22, w = 460, left = 110, h = items.length * row + 10;
    const max = niceMax(Math.max(0, ...items.map((i) => i.value)));
    const svg = el('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', 'data-points': items.length });
    items.forEach((item, i) => {
      const y = 5 + i * row;
      const width = ((w - left - 60) * Math.max(0, item.value)) / max;
      svg.appendChild(el('text', { x: left - 6, y: y + 14, 'text-anchor': 'end' }, item.label));
      const rect = el('rect', { x: left, y: y + 3, width: Math.max(1, width), height: row - 8, fill: item.color || COLORS[1] });
      rect.appendChild(el('title', {}, `${item.label}: ${format(item.value)}`));
      svg.appendChild(rect);
      svg.appendChild(el('text', { x: left + width + 4, y: y + 14 }, format(item.value)));
    });
    box.appendChild(svg);
  }

  function table(box, headers, rows) {
    const t = html('table');
    const head = html('tr');
    headers.forEach((h) => head.appendChild(html('th', { class: h.num ? 'num' : '' }, h.label)));
    t.appendChild(head);
    rows.forEach((r) => {
      const tr = html('tr');
      r.forEach((cell, i) => {
        const td = html('td', { class: (headers[i].num ? 'num ' : '') + (cell && cell.cls ? cell.cls : '') }, cell && cell.text !== undefined ? cell.text : String(cell));
        tr.appendChild(td);
      });
      t.appendChild(tr);
    });
    box.appendChild(t);
  }

  const sum = (rows, keyOf, valueOf) => {
    const out = new Map();
    for (const r of rows) out.set(keyOf(r), (out.get(keyOf(r)) || 0) + valueOf(r));
    return out;
  };
  const stores = (rows) => [...new Set(rows.map((r) => r.store_id))].sort();

  function drawHourly(rows) {
    const box = target('sales-hourly');
    if (!rows.length) return empty(box);
    const totals = sum(rows, (r) => r.store_id + '|' + r.hour_at, (r) => r.net_sales_cents);
    // Every hour of the span, so closed hours show as zero instead of being skipped.
    const times = rows.map((r) => Date.parse(r.hour_at));
    const xs = [];
    for (let t = Math.min(...times); t <= Math.max(...times); t += 3600000) xs.push(new Date(t).toISOString());
    const series = stores(rows).map((s) => ({ name: s, points: xs.map((x) => [x, totals.get(s + '|' + x) || 0]) }));
    lineChart(box, xs, series, money);
  }

  function drawDaily(rows) {
    const box = target('sales-daily');
    if (!rows.length) return empty(box);
    const names = stores(rows);
    const days = [...new Set(rows.map((r) => r.business_date))].sort();
    const byKey = new Map(rows.map((r) => [r.business_date + '|' + r.store_id, r.net_sales_cents]));
    barChart(box, days.map((d) => ({ label: d.slice(5), values: names.map((s) => byKey.get(d + '|' + s) || 0) })), names, money);
  }

  function drawMix(rows) {
    const box = target('product-mix');
    if (!rows.length) return empty(box);
    const units = sum(rows, (r) => r.sku, (r) => r.units);
    const items = [...units].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([label, value]) => ({ label, value }));
    hbarChart(box, items, (v) => Math.round(v).toLocaleString('en-US'));
  }

  function drawDelivery(rows) {
    const box = target('delivery');
    if (!rows.length) return empty(box, 'No deliveries in this range.');
    const days = [...new Set(rows.map((r) => r.business_date))].sort();
    const delivered = sum(rows, (r) => r.business_date, (r) => r.deliveries);
    const late = sum(rows, (r) => r.business_date, (r) => r.late_deliveries);
    barChart(box, days.map((d) => ({ label: d.slice(5), values: [delivered.get(d) - late.get(d), late.get(d)] })), ['on time', 'late'], (v) => String(Math.round(v)));
  }

  function drawPromotions(rows) {
    const box = target('promotions');
    if (!rows.length) return empty(box, 'No promotion in scope of your stores in this range.');
    const measured = rows.filter((r) => r.lift !== null);
    if (measured.length) {
      hbarChart(box, measured.map((r) => ({ label: r.promotion_id, value: r.lift * 100, color: r.lift < 0 ? COLORS[0] : COLORS[2] })), (v) => v.toFixed(1) + ' %');
    } else {
      empty(box, 'No lift yet: a promotion needs whole baseline days on the same weekdays.');
    }
    table(
      box,
      [{ label: 'promotion' }, { label: 'type' }, { label: 'from' }, { label: 'to' }, { label: 'days (promo / base)', num: true }, { label: 'lift', num: true }],
      rows.map((r) => [r.promotion_id, r.promotion_type.replace(/_/g, ' '), r.starts_on, r.ends_on, `${r.promo_days} / ${r.baseline_days}`, r.lift === null ? 'n/a' : (r.lift * 100).toFixed(1) + ' %']),
    );
  }

  function drawFreshness(rows, version) {
    const box = target('freshness');
    const run = version && version.run_at ? `last transform run ${version.run_at.replace('T', ' ').slice(0, 19)} UTC` : 'no transform run recorded yet';
    box.appendChild(html('p', {}, run));
    if (!rows.length) return empty(box, 'No sales in this range.');
    table(
      box,
      [{ label: 'store' }, { label: 'newest hour with sales (UTC)' }, { label: 'minutes behind now', num: true }],
      rows.map((r) => [r.store_id, String(r.latest_hour_at).replace('T', ' ').slice(0, 16), r.minutes_behind < 0 ? { text: 'ahead (simulated clock)', cls: 'ok' } : { text: String(r.minutes_behind), cls: r.minutes_behind <= 60 ? 'ok' : 'late' }]),
    );
  }

  function drawInventory(rows) {
    const box = target('inventory');
    const risky = rows.filter((r) => r.is_stock_out_risk);
    if (!risky.length) return empty(box, rows.length ? 'No material under one day of cover.' : 'No inventory data in this range.');
    table(
      box,
      [{ label: 'date' }, { label: 'store' }, { label: 'material' }, { label: 'closing', num: true }, { label: 'days of cover', num: true }],
      risky.slice(-15).map((r) => [r.business_date, r.store_id, r.material_id, r.closing, r.days_of_cover === null ? '—' : r.days_of_cover]),
    );
  }

  // The current hour from the serving store, beside the settled series; refreshed every 30 s. Best
  // effort: when the live counters do not answer, the section says so and the charts stay.
  let liveTimer;
  function drawLive(body) {
    const box = target('live');
    const hour = body.hour_at.replace('T', ' ').slice(0, 16);
    box.appendChild(html('p', {}, `hour starting ${hour} UTC, as of ${body.as_of.replace('T', ' ').slice(11, 19)} (settled figures replace these after the next transform run)`));
    if (!body.rows.length) return empty(box, 'No online order yet this hour.');
    const total = body.rows.reduce((t, r) => ({ orders: t.orders + r.orders, units: t.units + r.units, net: t.net + r.net_sales_cents }), { orders: 0, units: 0, net: 0 });
    table(
      box,
      [{ label: 'store' }, { label: 'orders', num: true }, { label: 'units', num: true }, { label: 'net sales', num: true }],
      [...body.rows.map((r) => [r.store_id, r.orders, r.units, money(r.net_sales_cents)]), [{ text: 'all stores', cls: 'total' }, total.orders, total.units, money(total.net)]],
    );
  }

  let liveLoad = 0;
  async function loadLive(settings) {
    window.clearTimeout(liveTimer);
    // A newer load (another merchant, say) wins: an older answer arriving late is dropped.
    const mine = ++liveLoad;
    let body;
    let failure;
    try {
      const res = await fetch(`/v1/merchants/${encodeURIComponent(settings.merchant)}/metrics/live`, { headers: { 'x-api-key': settings.key } });
      body = await res.json();
      if (!res.ok) failure = body.reason || body.error;
    } catch (err) {
      failure = err.message;
    }
    if (mine !== liveLoad) return;
    if (failure === undefined) drawLive(body);
    else empty(target('live'), `Live counters unavailable: ${failure}`);
    document.body.dataset.live = failure === undefined ? 'true' : 'unavailable';
    liveTimer = window.setTimeout(() => loadLive(settings), 30000);
  }

  async function metric(settings, name, granularity) {
    const q = new URLSearchParams({ from: settings.from, to: settings.to });
    if (granularity) q.set('granularity', granularity);
    const res = await fetch(`/v1/merchants/${encodeURIComponent(settings.merchant)}/metrics/${name}?${q}`, { headers: { 'x-api-key': settings.key } });
    const body = await res.json();
    if (!res.ok) throw new Error(`${name}: ${res.status} ${body.reason || body.error}`);
    return body;
  }

  async function load(settings) {
    // data-loaded / data-error tell a watcher (the browser test) that this load has settled.
    delete document.body.dataset.loaded;
    delete document.body.dataset.error;
    status.className = '';
    status.textContent = 'Loading…';
    loadLive(settings);
    try {
      const [hourly, daily, mix, delivery, promotions, freshness, inventory] = await Promise.all([
        metric(settings, 'sales', 'hour'),
        metric(settings, 'sales', 'day'),
        metric(settings, 'product_mix'),
        metric(settings, 'delivery_performance'),
        metric(settings, 'promotion_lift'),
        metric(settings, 'freshness'),
        metric(settings, 'inventory_health'),
      ]);
      drawHourly(hourly.rows);
      drawDaily(daily.rows);
      drawMix(mix.rows);
      drawDelivery(delivery.rows);
      drawPromotions(promotions.rows);
      drawFreshness(freshness.rows, freshness.data_version);
      drawInventory(inventory.rows);
      const total = daily.rows.reduce((s, r) => s + r.net_sales_cents, 0);
      status.textContent = `${settings.merchant}: ${stores(daily.rows).length} stores, ${money(total)} net sales from ${settings.from} to ${settings.to}.`;
      document.body.dataset.loaded = 'true';
    } catch (err) {
      // Never leave a previous merchant's charts on screen under an error.
      document.querySelectorAll('section .chart').forEach((box) => box.replaceChildren());
      status.className = 'error';
      status.textContent = err.message;
      document.body.dataset.error = err.message;
    }
  }

  // Settings come from the URL fragment (never sent to the server) or the last session.
  function initial() {
    const hash = new URLSearchParams(location.hash.slice(1));
    const saved = JSON.parse(sessionStorage.getItem('pizzaflow-dashboard') || '{}');
    const to = isoDate(new Date());
    const from = isoDate(new Date(Date.now() - 6 * 86400000));
    return {
      merchant: hash.get('merchant') || saved.merchant || '',
      key: hash.get('key') || saved.key || '',
      from: hash.get('from') || saved.from || from,
      to: hash.get('to') || saved.to || to,
    };
  }

  const settings = initial();
  for (const [k, v] of Object.entries(settings)) form.elements[k].value = v;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = Object.fromEntries(['merchant', 'key', 'from', 'to'].map((k) => [k, form.elements[k].value.trim()]));
    sessionStorage.setItem('pizzaflow-dashboard', JSON.stringify(next));
    load(next);
  });
  if (settings.merchant && settings.key) load(settings);
})();
