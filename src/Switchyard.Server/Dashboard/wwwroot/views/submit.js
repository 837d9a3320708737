// Submit: enqueue one job (kind from /api/kinds, a JSON payload, queue and priority), then open it.
import { api } from '../api.js';
import { el, showError } from '../dom.js';

export function renderSubmit(view) {
  const kind = el('select', { id: 'submit-kind', name: 'kind', required: true, 'data-testid': 'submit-kind' });
  const queue = el('input', { id: 'submit-queue', name: 'queue', placeholder: 'default', 'data-testid': 'submit-queue' });
  const priority = el('input', { id: 'submit-priority', name: 'priority', type: 'number', value: 0, step: 1, 'data-testid': 'submit-priority' });
  const payload = el('textarea', { id: 'submit-payload', name: 'payload', rows: 10, spellcheck: 'false', 'data-testid': 'submit-payload' }, '{}');
  const message = el('p', { id: 'submit-message', class: 'error', 'data-testid': 'submit-message', hidden: true });
  const form = el('form', { id: 'submit-form', class: 'submit-form', on: { submit: send } },
    label('Kind', kind), label('Queue', queue), label('Priority', priority), label('Payload (JSON)', payload),
    el('button', { type: 'submit', 'data-testid': 'submit-job' }, 'Enqueue'), message);
  view.append(el('h2', {}, 'Submit a job'), form);

  api.kinds().then((kinds) => kind.append(...kinds.map((k) => el('option', { value: k }, k))), showError);

  async function send(event) {
    event.preventDefault();
    message.hidden = true;
    let body;
    try {
      body = JSON.parse(payload.value);
    } catch (e) {
      return fail(`payload: not valid JSON (${e.message})`);
    }
    const request = { kind: kind.value, payload: body, priority: Number(priority.value) || 0 };
    if (queue.value.trim()) request.queue = queue.value.trim();
    try {
      const job = await api.submit(request);
      window.location.hash = `#/jobs/${job.id}`;
    } catch (e) {
      fail(e.message);
    }
  }

  function fail(text) {
    message.textContent = text;
    message.hidden = false;
  }
}

function label(text, control) {
  return el('label', {}, el('span', {}, text), control);
}
