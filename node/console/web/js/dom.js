// Builds page elements from data without ever parsing data as HTML: every value is set as text,
// so a serial number or a comment from another state cannot become markup or script.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// Replaces an element's content; null and false children are left out (as in h()).
export function put(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

// "national_law" -> "National law"
export function label(name) {
  if (!name) return '';
  const text = String(name).replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// An ISO UTC time as the officer's local date and time, or "—".
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function badge(state, overdue) {
  return h('span', { class: `badge ${overdue ? 'overdue' : state}` }, overdue ? `${label(state)} · overdue` : label(state));
}

export function facts(pairs) {
  return h('dl', { class: 'facts' },
    pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function table(headers, rows, rowAttrs) {
  return h('table', {},
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((cells, i) => h('tr', rowAttrs ? rowAttrs(i) : {}, cells.map((c) => h('td', {}, c))))));
}

// A labelled form control; `control` is an input, select or textarea element.
export function field(id, text, control, { required = false, hint } = {}) {
  control.id = id;
  if (!control.name) control.name = id;
  if (required) control.required = true;
  const error = h('div', { class: 'field-error', id: `${id}-error` });
  control.setAttribute('aria-describedby', `${id}-error`);
  return h('div', { class: 'field' },
    h('label', { for: id }, text, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control, hint ? h('div', { class: 'muted' }, hint) : null, error);
}

export function select(options, value) {
  const el = h('select', {}, options.map(([v, t]) => h('option', { value: v }, t)));
  if (value !== undefined) el.value = value;
  return el;
}
