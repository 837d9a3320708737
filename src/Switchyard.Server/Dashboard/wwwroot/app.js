// The dashboard shell: hash routing, the live event stream, and the view that is showing.
// A view is `render(container, params) -> { onJob(job), onLive(), dispose() }` (all optional); it may mark the
// container with data-loaded (its first fetch is drawn) and data-state (the job's state), which are reset here.
import { adoptTokenFromUrl, eventsUrl } from './api.js';
import { showError } from './dom.js';
import { renderOverview } from './views/overview.js';
import { renderJobs } from './views/jobs.js';
import { renderJob } from './views/job.js';
import { renderSubmit } from './views/submit.js';

const routes = [
  { pattern: /^#?\/?$/, nav: 'overview', render: renderOverview },
  { pattern: /^#\/jobs\/(\d+)$/, nav: 'jobs', render: (view, m) => renderJob(view, Number(m[1])) },
  { pattern: /^#\/jobs(?:\?(.*))?$/, nav: 'jobs', render: (view, m) => renderJobs(view, new URLSearchParams(m[1] ?? '')) },
  { pattern: /^#\/submit$/, nav: 'submit', render: renderSubmit },
];

const viewNode = document.getElementById('view');
let current = null;

function route() {
  current?.dispose?.();
  current = null;
  showError(null);
  const hash = window.location.hash || '#/';
  for (const { pattern, nav, render } of routes) {
    const match = hash.match(pattern);
    if (!match) continue;
    for (const link of document.querySelectorAll('nav a')) {
      link.classList.toggle('active', link.dataset.nav === nav);
    }
    viewNode.replaceChildren();
    delete viewNode.dataset.loaded;
    delete viewNode.dataset.state;
    current = render(viewNode, match) ?? null;
    return;
  }
  viewNode.replaceChildren();
  showError(new Error(`No page at ${hash}`));
}

// The live stream. EventSource reconnects by itself and resends Last-Event-ID; the view refetches on every (re)open
// so whatever changed while the stream was down (or before it first opened) is shown too.
function connect() {
  const status = document.getElementById('live-status');
  const source = new EventSource(eventsUrl());
  source.addEventListener('open', () => {
    status.dataset.state = 'live';
    status.textContent = 'live';
    current?.onLive?.();
  });
  source.addEventListener('error', () => {
    status.dataset.state = 'offline';
    // A dropped connection is retried by EventSource itself; an HTTP error (401, 5xx) closes it for good, so a new
    // one is opened a little later (a restarted server, a token added in another tab).
    if (source.readyState === EventSource.CLOSED) {
      status.textContent = 'offline';
      setTimeout(connect, 5000);
    } else {
      status.textContent = 'reconnecting…';
    }
  });
  source.addEventListener('job', (event) => {
    let job;
    try { job = JSON.parse(event.data); } catch { return; }
    current?.onJob?.(job);
  });
}

adoptTokenFromUrl();
window.addEventListener('hashchange', route);
route();
connect();
