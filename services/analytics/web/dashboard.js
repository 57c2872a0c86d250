// The dashboard: every figure comes from analytics' JSON endpoints (the same queries as gRPC).
'use strict';
const state = { tenant: '', path: [{ id: '', label: '全部 All' }] };
const charts = {};
const pct = (v) => (v === null || v === undefined ? '—' : (v * 100).toFixed(1) + '%');

function chart(id) {
  if (!charts[id]) charts[id] = echarts.init(document.getElementById(id));
  return charts[id];
}

function query(extra) {
  const p = new URLSearchParams({ tenant: state.tenant, org: state.path[state.path.length - 1].id });
  const from = document.getElementById('from').value, to = document.getElementById('to').value;
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return p.toString();
}

// A session that ended (the token expired) goes back to the sign-in page.
async function fetchSignedIn(url) {
  const r = await fetch(url);
  if (r.status === 401) location.href = '/login';
  return r;
}

async function get(path, extra) {
  const r = await fetchSignedIn(path + '?' + query(extra));
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function tiles(o, c) {
  const items = [
    ['应回访 Due', o.due], ['已回访 Completed', o.completed],
    ['回访率 Visit rate', o.due ? pct(o.visit_rate) : '—', o.due && o.visit_rate < 0.8],
    ['总满意度 Overall satisfaction', o.completed ? pct(o.overall_satisfaction) : '—', o.completed && o.overall_satisfaction < 0.9],
    ['逾期 Overdue', o.overdue, o.overdue > 0], ['投诉 Complaints', o.complaints],
    ['有效投诉率 Effective complaint rate', o.completed ? pct(c.effective_complaint_rate) : '—', c.effective_complaint_rate >= 0.01],
    ['3日内回访 Follow-ups ≤3 days', c.follow_ups_due ? pct(o.follow_up_within_3_days_rate) : '—',
      c.follow_ups_due && o.follow_up_within_3_days_rate < 1],
  ];
  document.getElementById('tiles').innerHTML = items.map(([k, v, bad]) =>
    `<div class="tile${bad ? ' bad' : ''}"><div class="v">${esc(v)}</div><div class="k">${esc(k)}</div></div>`).join('');
}

// Names, ids and categories come from tenants' data: they are shown as text, never as markup.
function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]);
}

function crumbs() {
  document.getElementById('crumbs').innerHTML = state.path.map((p, i) =>
    `<a data-i="${i}">${esc(p.label)}</a>`).join(' › ');
  document.querySelectorAll('#crumbs a').forEach((a) => a.onclick = () => {
    state.path = state.path.slice(0, Number(a.dataset.i) + 1);
    refresh();
  });
}

async function refresh() {
  document.getElementById('error').textContent = '';
  crumbs();
  const g = document.getElementById('granularity').value;
  try {
    const [o, c, sat, rateTrend, satTrend, org, agents, overdue] = await Promise.all([
      get('/api/overview'), get('/api/complaints'), get('/api/satisfaction'),
      get('/api/trend', { figure: 'visit_rate', granularity: g }), get('/api/trend', { figure: 'satisfaction', granularity: g }),
      get('/api/org'), get('/api/agents'), get('/api/overdue')]);
    tiles(o, c);
    // Buckets start at local midnight of the reporting zone; show that date, not the UTC one.
    const day = (p) => new Date(p.at).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    chart('trend').setOption({
      tooltip: { trigger: 'axis', valueFormatter: pct }, legend: { data: ['回访率 Visit rate', '满意度 Satisfaction'] },
      xAxis: { type: 'category', data: [...new Set([...rateTrend.points, ...satTrend.points].map(day))].sort() },
      yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v) => v * 100 + '%' } },
      series: [
        { name: '回访率 Visit rate', type: 'line', data: rateTrend.points.map((p) => [day(p), p.value]) },
        { name: '满意度 Satisfaction', type: 'line', data: satTrend.points.map((p) => [day(p), p.value]) }],
    }, true);
    chart('dimensions').setOption({
      tooltip: { valueFormatter: pct }, xAxis: { type: 'category', data: sat.dimensions.map((d) => d.dimension) },
      yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v) => v * 100 + '%' } },
      // A dimension with only unrated answers has no rate: no bar, not a 0 % bar.
      series: [{ type: 'bar', data: sat.dimensions.map((d) => (Number(d.satisfied) + Number(d.unsatisfied) ? d.rate : null)),
        label: { show: true, position: 'top', formatter: (p) => pct(p.value) } }],
    }, true);
    await drill(org);
    chart('funnel').setOption({
      tooltip: {}, series: [{ type: 'funnel', sort: 'none', label: { formatter: '{b}: {c}' },
        data: [['opened', '受理 Opened'], ['resolved', '处理 Resolved'], ['followed_up', '回访 Followed up'], ['closed', '结案 Closed']]
          .map(([k, name]) => ({ name, value: c.funnel[k] || 0 })) }],
    }, true);
    chart('agents').setOption({
      tooltip: { trigger: 'axis' }, legend: { data: ['回访率 Visit rate', '标准 Standard'] },
      xAxis: { type: 'category', data: agents.agents.map((a) => a.label), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', min: 0, max: 1 },
      series: [{ name: '回访率 Visit rate', type: 'bar', data: agents.agents.map((a) => a.visit_rate) },
               { name: '标准 Standard', type: 'line', data: agents.agents.map((a) => a.standard) }],
    }, true);
    document.getElementById('overdue').innerHTML = '<tr><th>回访 Visit</th><th>单位 Unit</th><th>坐席 Agent</th><th>类别 Category</th><th>截止 Due by</th></tr>' +
      overdue.visits.map((v) => `<tr><td>${esc(v.visit_id)}</td><td>${esc(v.org_unit_id)}</td><td>${esc(v.agent_id)}</td><td>${esc(v.category)}</td><td>${esc((v.due_by || '').slice(0, 16))}</td></tr>`).join('');
    for (const kind of ['monthly', 'quarterly'])
      for (const format of ['csv', 'xlsx'])
        document.getElementById(`${kind}-${format}`).href = '/reports/summary?' + query({ kind, format });
    const s = await (await fetchSignedIn('/api/status')).json();
    document.getElementById('status').textContent = ` · 投影版本 projection v${s.serving_version}, ${s.events_applied} events`;
  } catch (e) {
    document.getElementById('error').textContent = '加载失败 Failed to load: ' + e.message;
  }
}

async function drill(org) {
  const leaf = org.units.length === 0;
  const rates = await get('/api/visit-rates', { group: leaf ? 'agent' : 'org' });
  document.getElementById('drill-title').textContent = leaf ? '坐席回访率 Visit rate per agent' : '下级单位回访率 Visit rate per unit (click to drill down)';
  const c = chart('drill');
  c.setOption({
    tooltip: { valueFormatter: pct }, xAxis: { type: 'category', data: rates.rows.map((r) => r.label), axisLabel: { rotate: 30 } },
    yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v) => v * 100 + '%' } },
    series: [{ type: 'bar', data: rates.rows.map((r) => ({ value: r.rate, key: r.key, label: r.label })) },
             { type: 'line', name: 'target', data: rates.rows.map((r) => r.target) }],
  }, true);
  c.off('click');
  if (!leaf) c.on('click', (p) => {
    if (!p.data || !p.data.key) return;
    state.path.push({ id: p.data.key, label: p.data.label });
    refresh();
  });
}

async function start() {
  const t = await (await fetchSignedIn('/api/tenants')).json();
  const sel = document.getElementById('tenant');
  sel.innerHTML = t.tenants.map((x) => `<option>${esc(x)}</option>`).join('');
  const wanted = new URLSearchParams(location.search).get('tenant');
  state.tenant = wanted && t.tenants.includes(wanted) ? wanted : t.tenants[0] || '';
  sel.value = state.tenant;
  // One enterprise at the top: start at its regions rather than a single bar.
  const enter = async () => {
    state.path = state.path.slice(0, 1);
    const top = await get('/api/org');
    if (top.units.length === 1) state.path.push({ id: top.units[0].id, label: top.units[0].label });
  };
  sel.onchange = async () => { state.tenant = sel.value; await enter(); refresh(); };
  for (const id of ['from', 'to', 'granularity']) document.getElementById(id).onchange = refresh;
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
  await enter();
  await refresh();
  setInterval(refresh, 10000);
}
start();
