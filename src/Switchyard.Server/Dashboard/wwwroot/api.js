// The HTTP API (see the server's /openapi/v1.json). Every call carries the bearer token when there is one.

/** Every job state, in the order a job usually passes through them. */
export const jobStates = ['scheduled', 'available', 'running', 'retrying', 'succeeded', 'dead', 'cancelled'];

const tokenKey = 'switchyard.token';

/** Moves `?token=` from the address into localStorage (so it leaves the address bar and history). */
export function adoptTokenFromUrl() {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  if (token) localStorage.setItem(tokenKey, token);
  else localStorage.removeItem(tokenKey);
  url.searchParams.delete('token');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
}

function token() {
  return localStorage.getItem(tokenKey);
}

/** An API failure: the HTTP status and the problem details the server sent (RFC 7807), if any. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

function describe(status, problem) {
  if (status === 401) return 'Unauthorized: open the dashboard with ?token=<the server token>.';
  let text = problem?.detail || problem?.title || `HTTP ${status}`;
  for (const [field, rules] of Object.entries(problem?.errors ?? {})) {
    text += `\n${field}: ${[].concat(rules).join('; ')}`;
  }
  return text;
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** The query string for a job listing: only the filters that are set. */
export function jobsQuery({ state, queue, kind, search, cursor, limit } = {}) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries({ state, queue, kind, search, cursor, limit })) {
    if (value !== undefined && value !== null && value !== '') q.set(name, String(value));
  }
  return q.toString();
}

export const api = {
  stats: () => call('GET', '/api/stats'),
  kinds: () => call('GET', '/api/kinds'),
  jobs: (filters) => call('GET', `/api/jobs?${jobsQuery(filters)}`),
  job: (id) => call('GET', `/api/jobs/${encodeURIComponent(id)}`),
  submit: (request) => call('POST', '/api/jobs', request),
  cancel: (id) => call('POST', `/api/jobs/${encodeURIComponent(id)}/cancel`),
  retry: (id) => call('POST', `/api/jobs/${encodeURIComponent(id)}/retry`),
};

/** The event stream's address; EventSource cannot send headers, so the token goes in the query. */
export function eventsUrl() {
  const t = token();
  return t ? `/api/events?token=${encodeURIComponent(t)}` : '/api/events';
}
