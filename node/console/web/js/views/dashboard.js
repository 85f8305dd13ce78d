// Cases by state, overdue first: what needs chasing is at the top. Counts link to the list
// filtered by that state; the list refreshes while shown.
import { get } from '../api.js';
import { h, put, label, when, badge, table } from '../dom.js';
import { every } from '../app.js';

const LIST_LIMIT = 1000;

// What needs the officer first: overdue cases, then questions waiting for an answer, then by deadline.
function order(a, b) {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  if (!a.open_question !== !b.open_question) return a.open_question ? -1 : 1;
  return a.due_at < b.due_at ? -1 : a.due_at > b.due_at ? 1 : 0;
}

export async function dashboardView(main, { params }) {
  const state = params.get('state') || '';
  const direction = params.get('direction') || '';
  const tiles = h('div', { class: 'tiles' });
  const list = h('div', {});
  put(main,
    h('h1', {}, state ? `Cases: ${label(state)}` : 'Cases'),
    tiles,
    h('div', { class: 'actions' },
      h('a', { href: '#/' }, 'All'), ' · ', h('a', { href: '#/?direction=outgoing' }, 'Sent by us'), ' · ',
      h('a', { href: '#/?direction=incoming' }, 'Received from other states')),
    h('h2', {}, 'Overdue first, then questions to answer, then by deadline'),
    list);

  async function load() {
    // Exact counts over every case (the summary); the list holds the newest LIST_LIMIT.
    const [summary, listed] = await Promise.all([get('/v1/traces/summary'),
      get(`/v1/traces?limit=${LIST_LIMIT}${state && state !== 'overdue' ? `&state=${encodeURIComponent(state)}` : ''}`)]);
    const all = listed.cases;
    const overdue = summary.overdue;
    put(tiles,
      h('a', { class: `tile${overdue ? ' overdue' : ''}`, href: '#/?state=overdue' }, h('span', { class: 'n' }, overdue), 'Overdue'),
      ...Object.entries(summary.by_state).sort().map(([s, n]) =>
        h('a', { class: 'tile', href: `#/?state=${encodeURIComponent(s)}` }, h('span', { class: 'n' }, n), label(s))));
    const shown = all
      .filter((c) => !state || (state === 'overdue' ? c.overdue : c.state === state))
      .filter((c) => !direction || c.direction === direction)
      .sort(order);
    if (!shown.length) { put(list, h('p', { class: 'muted' }, 'No cases.')); return; }
    put(list, all.length === LIST_LIMIT ? h('p', { class: 'muted' }, `The newest ${LIST_LIMIT} cases${state ? ' in this state' : ''}.`) : null, table(
      ['Serial', 'Weapon', 'With', 'Direction', 'State', 'Due', 'Filed'],
      shown.map((c) => [
        h('a', { href: `#/case/${c.case_id}` }, c.weapon.serial || '(obliterated)'),
        [c.weapon.manufacturer, c.weapon.model].filter(Boolean).join(' '),
        c.peer, c.direction === 'outgoing' ? 'sent' : 'received',
        [badge(c.state, c.overdue), c.open_question ? [' ', h('span', { class: 'badge question-open', title: c.open_question }, 'question to answer')] : null],
        when(c.due_at), when(c.created_at)]),
      (i) => ({ class: shown[i].overdue ? 'overdue' : '' })));
  }
  await load();
  return every(4000, load);
}
