// DOM building without markup strings: text always goes in as text nodes, so job data can never become HTML.

/**
 * Creates an element. `attrs` are set with setAttribute (`on` holds event listeners); children are nodes or values,
 * and values (strings, numbers) become text nodes. null/undefined/false children are skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else if (value === true) {
      node.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all of a node's children. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** An ISO time as local `YYYY-MM-DD HH:MM:SS`, or an em dash when there is none. */
export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Any JSON value, indented; a string that holds JSON is parsed first so it prints as a structure. */
export function pretty(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') {
    try { return JSON.stringify(JSON.parse(value), null, 2); } catch { return value; }
  }
  return JSON.stringify(value, null, 2);
}

/** A state as a coloured badge (the colour comes from style.css by data-state). */
export function stateBadge(state) {
  return el('span', { class: 'badge', 'data-state': state, 'data-testid': 'state' }, state);
}

/** Calls `fn` at most once per `ms`, the last call winning: for refreshes that events trigger in bursts. */
export function throttle(fn, ms) {
  let timer = null;
  let pending = false;
  return () => {
    if (timer) { pending = true; return; }
    fn();
    timer = setTimeout(function tick() {
      timer = null;
      if (pending) { pending = false; fn(); timer = setTimeout(tick, ms); }
    }, ms);
  };
}

/** Shows an error (or clears it with null) in the bar under the header; its text is set as text. */
export function showError(error) {
  const node = document.getElementById('error');
  node.hidden = !error;
  node.textContent = error ? (error.message ?? String(error)) : '';
}
