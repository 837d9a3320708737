// Jobs: server-side filters (state, queue, kind, search) kept in the address (#/jobs?state=running&search=x), keyset
// paging with the server's cursor, and live rows: a job event updates its row in place, and a new job that matches the
// filters appears at the top of the first page.
import { api, jobStates as states } from '../api.js';
import { el, replace, showError, stateBadge, throttle, time } from '../dom.js';

const filterNames = ['state', 'queue', 'kind', 'search'];

export function renderJobs(view, params) {
  const filters = Object.fromEntries(filterNames.map((n) => [n, params.get(n) ?? '']));
  const limit = Number(params.get('limit')) || 50;
  const cursors = [null]; // cursors[i] opens page i; page 0 is the newest
  let page = 0;
  let nextCursor = null;
  let disposed = false;
  let arrived = null; // job events that came while a page was being fetched: applied over the (maybe older) page

  const stateSelect = el('select', { id: 'filter-state', name: 'state', 'data-testid': 'filter-state' },
    el('option', { value: '' }, 'any state'), states.map((s) => el('option', { value: s }, s)));
  stateSelect.value = filters.state;
  const kindSelect = el('select', { id: 'filter-kind', name: 'kind', 'data-testid': 'filter-kind' }, el('option', { value: '' }, 'any kind'));
  const queueInput = el('input', { id: 'filter-queue', name: 'queue', placeholder: 'queue', 'data-testid': 'filter-queue', value: filters.queue });
  const searchInput = el('input', { id: 'filter-search', name: 'search', type: 'search', placeholder: 'search payload or error…',
    'data-testid': 'filter-search', value: filters.search });
  const form = el('form', { id: 'filters', class: 'filters', on: { submit: (e) => { e.preventDefault(); apply(); } } },
    stateSelect, kindSelect, queueInput, searchInput, el('button', { type: 'submit', 'data-testid': 'apply-filters' }, 'Apply'));
  stateSelect.addEventListener('change', apply);
  kindSelect.addEventListener('change', apply);

  const rows = el('tbody', { id: 'job-rows', 'data-testid': 'job-rows' });
  const prev = el('button', { id: 'prev-page', 'data-testid': 'prev-page', on: { click: () => load(page - 1) } }, '← Newer');
  const next = el('button', { id: 'next-page', 'data-testid': 'next-page', on: { click: () => load(page + 1) } }, 'Older →');
  const pageLabel = el('span', { class: 'page-label' });
  view.append(
    el('h2', {}, 'Jobs'),
    form,
    el('table', { id: 'jobs-table', class: 'jobs' },
      el('thead', {}, el('tr', {}, ['ID', 'Kind', 'Queue', 'State', 'Attempt', 'Progress', 'Created', 'Finished'].map((h) => el('th', {}, h)))),
      rows),
    el('div', { class: 'pager' }, prev, pageLabel, next));

  api.kinds().then((kinds) => {
    const known = new Set(kinds);
    if (filters.kind && !known.has(filters.kind)) kinds = [...kinds, filters.kind];
    kindSelect.append(...kinds.map((k) => el('option', { value: k }, k)));
    kindSelect.value = filters.kind;
  }, showError);

  function apply() {
    const q = new URLSearchParams();
    const values = { state: stateSelect.value, kind: kindSelect.value, queue: queueInput.value.trim(), search: searchInput.value.trim() };
    for (const [name, value] of Object.entries(values)) if (value) q.set(name, value);
    if (params.has('limit')) q.set('limit', String(limit));
    const hash = q.size ? `#/jobs?${q}` : '#/jobs';
    if (window.location.hash === hash) load(0); else window.location.hash = hash;
  }

  let loads = 0;
  async function load(target) {
    const mine = ++loads; // only the latest fetch is drawn
    const seen = arrived = new Map();
    try {
      const result = await api.jobs({ ...filters, cursor: cursors[target], limit });
      if (disposed || mine !== loads) return;
      if (arrived === seen) arrived = null;
      page = target;
      nextCursor = result.nextCursor ?? null;
      cursors[page + 1] = nextCursor;
      replace(rows, result.jobs.map(row));
      if (!result.jobs.length) rows.append(emptyRow());
      for (const job of seen.values()) update(job);
      prev.disabled = page === 0;
      next.disabled = !nextCursor;
      pageLabel.textContent = `page ${page + 1}`;
      view.dataset.loaded = 'true';
      showError(null);
    } catch (e) {
      if (!disposed && mine === loads) showError(e);
    }
  }

  const reloadSoon = throttle(() => load(page), 1000);

  function onJob(job) {
    arrived?.set(job.id, job);
    update(job);
  }

  function update(job) {
    const existing = rows.querySelector(`tr[data-job-id="${CSS.escape(String(job.id))}"]`);
    if (existing) {
      replace(existing, cells(job));
      existing.dataset.state = job.state;
      return;
    }
    if (page !== 0) return;
    // The server decides what `search` matches, so with a search the page is fetched again rather than guessed.
    if (filters.search) { reloadSoon(); return; }
    if (!matches(job, filters)) return;
    rows.querySelector('tr.empty-row')?.remove();
    const newer = [...rows.querySelectorAll('tr[data-job-id]')].find((r) => Number(r.dataset.jobId) < job.id);
    rows.insertBefore(row(job), newer ?? null);
  }

  load(0);
  return { onJob, onLive: reloadSoon, dispose() { disposed = true; } };
}

/** Whether a job passes the state/queue/kind filters (the `state` filter may list several, comma-separated). */
function matches(job, { state, queue, kind }) {
  if (state && !state.split(',').includes(job.state)) return false;
  if (queue && job.queue !== queue) return false;
  if (kind && job.kind !== kind) return false;
  return true;
}

function row(job) {
  return el('tr', { 'data-job-id': job.id, 'data-state': job.state, 'data-testid': 'job-row' }, cells(job));
}

function cells(job) {
  const progress = job.progress?.percent;
  return [
    el('td', {}, el('a', { href: `#/jobs/${job.id}`, 'data-testid': 'job-link' }, `#${job.id}`)),
    el('td', { 'data-testid': 'kind' }, job.kind),
    el('td', {}, job.queue),
    el('td', {}, stateBadge(job.state), job.cancelRequested && job.state === 'running' ? el('span', { class: 'note' }, ' cancelling') : null),
    el('td', {}, `${job.attempt} / ${job.maxAttempts}`),
    el('td', {}, progress === undefined || progress === null ? '—' : `${Math.round(progress)}%`),
    el('td', {}, time(job.createdAt)),
    el('td', {}, time(job.finishedAt)),
  ];
}

function emptyRow() {
  return el('tr', { class: 'empty-row' }, el('td', { colspan: 8, class: 'empty' }, 'No jobs match.'));
}
