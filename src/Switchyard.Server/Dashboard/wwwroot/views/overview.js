// Overview: job totals by state, throughput per minute (Chart.js), and the workers. Refreshed from /api/stats when
// job events arrive (at most once a second), when the stream (re)opens, and every 15 s for the clock-driven parts.
import { api, jobStates as states } from '../api.js';
import { el, replace, showError, throttle, time } from '../dom.js';

const series = [
  { key: 'succeeded', label: 'succeeded', color: '#2e7d32' },
  { key: 'failed', label: 'failed', color: '#c62828' },
  { key: 'cancelled', label: 'cancelled', color: '#757575' },
];

export function renderOverview(view) {
  const tiles = el('section', { class: 'tiles', 'data-testid': 'tiles' },
    states.map((state) => el('a', { class: 'tile', href: `#/jobs?state=${state}`, 'data-state': state, 'data-testid': `tile-${state}` },
      el('span', { class: 'tile-count', 'data-testid': 'count' }, '…'),
      el('span', { class: 'tile-label' }, state))));
  const canvas = el('canvas', { id: 'throughput-chart', 'data-testid': 'throughput-chart', 'aria-label': 'Jobs finished per minute' });
  const workers = el('tbody', { 'data-testid': 'workers' });
  view.append(
    el('h2', {}, 'Overview'),
    tiles,
    el('section', { class: 'panel' }, el('h3', {}, 'Throughput per minute (last 15 minutes)'), el('div', { class: 'chart-box' }, canvas)),
    el('section', { class: 'panel' }, el('h3', {}, 'Workers'),
      el('table', { id: 'workers-table' },
        el('thead', {}, el('tr', {}, ['Worker', 'Host', 'PID', 'Queues', 'Running', 'Started', 'Last seen'].map((h) => el('th', {}, h)))),
        workers)));

  const chart = new window.Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: series.map((s) => ({ label: s.label, data: [], backgroundColor: s.color })) },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });

  let disposed = false;
  async function refresh() {
    try {
      const stats = await api.stats();
      if (disposed) return;
      for (const state of states) {
        tiles.querySelector(`[data-state="${state}"] .tile-count`).textContent = String(stats.totals?.[state] ?? 0);
      }
      const minutes = stats.throughput ?? [];
      chart.data.labels = minutes.map((m) => time(m.start).slice(11, 16));
      series.forEach((s, i) => { chart.data.datasets[i].data = minutes.map((m) => m[s.key] ?? 0); });
      chart.update();
      replace(workers, (stats.workers ?? []).map((w) => el('tr', { 'data-worker-id': w.id },
        el('td', {}, w.id), el('td', {}, w.host), el('td', {}, w.processId), el('td', {}, w.queues?.length ? w.queues.join(', ') : 'all'),
        el('td', {}, `${w.running} / ${w.concurrency}`), el('td', {}, time(w.startedAt)), el('td', {}, time(w.lastSeenAt)))));
      if (!stats.workers?.length) workers.append(el('tr', {}, el('td', { colspan: 7, class: 'empty' }, 'No workers.')));
      view.dataset.loaded = 'true';
    } catch (e) {
      if (!disposed) showError(e);
    }
  }

  const refreshSoon = throttle(refresh, 1000);
  const timer = setInterval(refresh, 15000);
  refresh();
  return {
    onJob: refreshSoon,
    onLive: refreshSoon,
    dispose() { disposed = true; clearInterval(timer); chart.destroy(); },
  };
}
