// One job: every field, payload and result pretty-printed, the error with its stack, attempts, progress, and the
// Cancel / Retry actions. Job events for this id redraw it in place.
import { api } from '../api.js';
import { el, pretty, replace, showError, stateBadge, time } from '../dom.js';

const unfinished = new Set(['scheduled', 'available', 'running', 'retrying']);

export function renderJob(view, id) {
  let disposed = false;
  let shown = null;
  let events = 0; // job events seen for this id: a fetch that overlapped one may be older than it, so it is not drawn
  const outcome = el('p', { id: 'action-outcome', class: 'note', 'data-testid': 'action-outcome' });
  const cancel = el('button', { id: 'cancel-job', 'data-testid': 'cancel-job', on: { click: () => act(api.cancel) } }, 'Cancel');
  const retry = el('button', { id: 'retry-job', 'data-testid': 'retry-job', on: { click: () => act(api.retry) } }, 'Retry');
  const body = el('div', { id: 'job-detail', 'data-testid': 'job-detail' }, 'Loading…');
  view.append(el('h2', {}, `Job #${id}`), el('div', { class: 'actions' }, cancel, retry, outcome), body);

  function draw(job) {
    shown = job;
    view.dataset.state = job.state;
    cancel.disabled = !unfinished.has(job.state) || job.cancelRequested;
    retry.disabled = unfinished.has(job.state);
    const percent = job.progress?.percent;
    replace(body,
      el('dl', { class: 'fields', 'data-testid': 'job-fields' },
        field('State', stateBadge(job.state), job.cancelRequested && unfinished.has(job.state) ? el('span', { class: 'note' }, ' cancel requested') : null),
        field('Kind', el('span', { 'data-testid': 'job-kind' }, job.kind)),
        field('Queue', job.queue),
        field('Priority', job.priority),
        field('Attempt', el('span', { 'data-testid': 'job-attempt' }, `${job.attempt} of ${job.maxAttempts}`)),
        field('Progress', percent === undefined || percent === null ? '—' : el('span', { class: 'progress' },
          el('progress', { max: 100, value: percent, 'data-testid': 'job-progress' }),
          ` ${Math.round(percent)}%`, job.progress.message ? ` — ${job.progress.message}` : '')),
        field('Run at', time(job.runAt)),
        field('Created', time(job.createdAt)),
        field('Started', time(job.startedAt)),
        field('Finished', time(job.finishedAt)),
        field('Lease', job.leaseOwner ? `${job.leaseOwner} until ${time(job.leaseExpiresAt)}` : '—'),
        field('Idempotency key', job.idempotencyKey ?? '—')),
      el('h3', {}, 'Payload'),
      el('pre', { id: 'job-payload', 'data-testid': 'job-payload' }, pretty(job.payload)),
      el('h3', {}, 'Result'),
      el('pre', { id: 'job-result', 'data-testid': 'job-result' }, pretty(job.result)),
      job.error ? [
        el('h3', {}, 'Error'),
        el('p', { class: 'error-line', 'data-testid': 'job-error' }, el('strong', {}, job.error.type ?? 'Error'), ': ', job.error.message ?? ''),
        el('pre', { class: 'stack', 'data-testid': 'job-stack' }, job.error.stackTrace || '(no stack trace)'),
      ] : null);
  }

  async function load() {
    const before = events;
    try {
      const job = await api.job(id);
      if (!disposed && events === before) draw(job);
    } catch (e) {
      if (!disposed) { replace(body); showError(e); }
    }
  }

  async function act(call) {
    cancel.disabled = retry.disabled = true;
    try {
      const response = await call(id);
      if (disposed) return;
      outcome.textContent = `${call === api.cancel ? 'Cancel' : 'Retry'}: ${response.outcome}`;
      await load();
    } catch (e) {
      if (!disposed) { showError(e); if (shown) draw(shown); }
    }
  }

  load();
  return {
    onJob(job) { if (job.id === id) { events++; draw(job); } },
    onLive: load,
    dispose() { disposed = true; },
  };
}

function field(name, ...value) {
  return [el('dt', {}, name), el('dd', {}, ...value)];
}
