// Incoming traces held for review: the registry's draft answer, and the responder's decision:
// approve it, restrict it or send part of it (with the ITI reason the requester will see), or
// refuse. Nothing leaves until the node has committed the decision with the answer.
import { get, post } from '../api.js';
import { h, put, label, when, badge, field, select } from '../dom.js';
import { say, sayError, every } from '../app.js';
import { requestCard, responseCard } from './case.js';

const REASONS = [['', 'Choose…'], ['ongoing_investigation', 'Ongoing investigation'], ['confidentiality_law', 'Confidentiality law'],
  ['requester_cannot_guarantee_confidentiality', 'Requester cannot guarantee confidentiality'], ['other', 'Other (say why)']];

function decisionForm(c, onDone) {
  const id = c.case_id;
  const links = (c.draft && c.draft.custody_chain) || [];
  const action = select([['approve', 'Approve the draft as it is'], ['restrict', 'Restrict (state a reason)'],
    ['partial', 'Send part of the custody chain'], ['refuse', 'Refuse to answer (state a reason)']], 'approve');
  const reason = select(REASONS, '');
  const detail = h('input', { type: 'text' });
  const restrictions = h('input', { type: 'text' });
  const withhold = h('input', { type: 'checkbox', id: `withhold-${id}` });
  const keep = links.map((l, i) => h('input', { type: 'checkbox', value: i, id: `keep-${id}-${i}`, checked: true }));
  const limited = h('div', { class: 'grid' },
    field(`reason-${id}`, 'Reason (ITI)', reason),
    field(`detail-${id}`, 'Reason detail', detail),
    field(`restrictions-${id}`, 'Use restrictions for the requester', restrictions));
  const withholdRow = h('div', {}, h('label', { for: `withhold-${id}` }, withhold, ' Withhold the chain of custody'));
  const keepRows = h('fieldset', {}, h('legend', {}, 'Links to send'),
    links.length ? links.map((l, i) => h('div', {}, h('label', { for: `keep-${id}-${i}` }, keep[i], ` ${label(l.role)}: ${l.name} (${l.country})`)))
      : h('p', { class: 'muted' }, 'The draft has no custody links.'));
  const submit = h('button', { class: 'primary', type: 'submit' }, 'Send decision');
  function sync() {
    const a = action.value;
    limited.hidden = a === 'approve';
    withholdRow.hidden = a !== 'restrict';
    keepRows.hidden = a !== 'partial';
    submit.textContent = a === 'approve' ? 'Approve and send' : a === 'refuse' ? 'Refuse and send' : 'Send decision';
    submit.className = a === 'refuse' ? 'danger' : 'primary';
  }
  action.addEventListener('change', sync);
  sync();
  const form = h('form', { 'aria-label': `Decision on ${c.weapon.serial || id}` },
    field(`action-${id}`, 'Decision', action), limited, withholdRow, keepRows, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { action: action.value };
    if (action.value !== 'approve') {
      if (reason.value) body.reason = reason.value;
      if (detail.value.trim()) body.reason_detail = detail.value.trim();
      if (restrictions.value.trim()) body.use_restrictions = restrictions.value.trim();
    }
    if (action.value === 'restrict') body.withhold_custody = withhold.checked;
    if (action.value === 'partial') body.keep_custody = keep.filter((k) => k.checked).map((k) => Number(k.value));
    submit.disabled = true;
    try {
      await post(`/v1/traces/${id}/review`, body);
      say(`Decision on ${c.weapon.serial || id} committed; the answer is on its way to ${c.peer}.`);
      onDone();
    } catch (e) {
      submit.disabled = false;
      sayError(e);
    }
  });
  return form;
}

export async function inboxView(main) {
  const list = h('div', {});
  put(main, h('h1', {}, 'Inbox: incoming traces awaiting review'), list);
  let shown = '';
  async function load(force) {
    const cases = (await get('/v1/inbox')).cases;
    const key = cases.map((c) => c.case_id).join();
    if (key === shown && !force) return;  // keep what the responder is typing
    shown = key;
    if (!cases.length) { put(list, h('p', { class: 'muted' }, 'Nothing waits for review.')); return; }
    put(list, ...cases.map((c) => h('article', { class: 'card', 'aria-label': `Trace ${c.weapon.serial}` },
      h('h2', {}, h('a', { href: `#/case/${c.case_id}` }, `${c.weapon.serial || '(obliterated)'} · ${c.weapon.manufacturer} ${c.weapon.model || ''}`),
        ' ', badge(c.state, c.overdue)),
      h('p', { class: 'muted' }, `From ${c.peer} · received ${when(c.created_at)} · answer due ${when(c.due_at)}`),
      requestCard(c.request, c.case_id),
      c.draft ? responseCard('Registry draft', c.draft) : h('p', {}, 'The registry produced no draft.'),
      decisionForm(c, () => load(true).catch(sayError)))));
  }
  await load(true);
  return every(5000, () => load(false));
}
