// One case: what was asked, the answer once it came, and every step with its time (the
// timeline is the node's own record, the same events its audit log holds).
import { get, post, imageUrl } from '../api.js';
import { h, put, label, when, badge, facts, table, field } from '../dom.js';
import { every, say, sayError } from '../app.js';

const SETTLED = ['answered', 'undeliverable', 'responded', 'closed', 'cancelled'];

// A one-field form that posts {key: text} to `path`; `after` reloads the case.
function textForm(id, labelText, key, button, path, required, after, danger) {
  const input = h('textarea', { rows: 2 });
  const form = h('form', { class: 'follow-up' }, field(id, labelText, input, { required }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, button)));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (required && !text) { say(`${labelText} is required.`, true); input.focus(); return; }
    try {
      await post(path, text ? { [key]: text } : {});
      say(`${button}: committed and on its way.`);
      after();
    } catch (e) { sayError(e); }
  });
  return form;
}

// What this user may still say about the case: answer an open question, ask one, or cancel.
function followUps(c, me, after) {
  const path = `/v1/traces/${c.case_id}`;
  const open = !SETTLED.includes(c.state);
  const parts = [];
  if (c.open_question && c.direction === 'outgoing' && open && me.can.submit)
    parts.push(h('p', { class: 'question' }, h('strong', {}, 'Question from the requested state: '), c.open_question),
      textForm('clarification-answer', 'Your answer', 'answer', 'Send answer', `${path}/clarification/answer`, true, after));
  if (c.direction === 'incoming' && open && me.can.review)
    parts.push(textForm('clarification-question', 'Ask the requesting state', 'question', 'Send question', `${path}/clarification`, true, after));
  if (c.direction === 'outgoing' && open && me.can.submit)
    parts.push(h('details', {}, h('summary', {}, 'Cancel this trace…'),
      textForm('cancel-reason', 'Why it is cancelled', 'reason', 'Cancel the trace', `${path}/cancel`, false, after, true)));
  return parts.length ? h('section', { class: 'card', 'aria-label': 'Follow-up' }, h('h2', {}, 'Follow-up'), parts) : null;
}

export function responseCard(title, r) {
  if (!r) return null;
  if (r.error) return h('div', { class: 'card' }, h('h2', {}, title), h('p', { class: 'bad' }, r.error));
  return h('section', { class: 'card', 'aria-label': title },
    h('h2', {}, title),
    facts([['Outcome', label(r.outcome)], ['Reason', r.reason === 'none' ? '' : label(r.reason)],
      ['Reason detail', r.reason_detail], ['Manufacturer', r.manufacturer], ['Model', r.model], ['Calibre', r.calibre],
      ['Comments', r.comments], ['Use restrictions', r.use_restrictions]]),
    r.custody_chain && r.custody_chain.length
      ? [h('h2', {}, 'Chain of custody'), table(['Role', 'Name', 'Licence', 'Country', 'From', 'To', 'Document'],
        r.custody_chain.map((l) => [label(l.role), l.name, l.licence_number, l.country, l.date_in, l.date_out,
          [l.document_type, l.document_reference].filter(Boolean).join(' ')]))]
      : h('p', { class: 'muted' }, 'No custody links in this answer.'));
}

export function requestCard(q, caseId) {
  if (!q) return null;
  const photos = h('div', { class: 'photos' });
  for (const p of q.photos || []) {
    const img = h('img', { alt: p.caption ? `Photo: ${p.caption}` : `Photo ${p.index + 1}` });
    photos.append(h('figure', {}, img, h('figcaption', {}, `${p.caption || `Photo ${p.index + 1}`} · ${Math.ceil(p.bytes / 1024)} KiB`)));
    imageUrl(`/v1/traces/${caseId}/photos/${p.index}`).then((url) => { img.src = url; }).catch(() => { img.alt = 'Photo not available'; });
  }
  const w = q.weapon || {};
  return h('section', { class: 'card', 'aria-label': 'Request' },
    h('h2', {}, 'Request'),
    facts([['Reference', q.request_id], ['Requesting state', q.requesting_state], ['Agency', q.requesting_agency],
      ['Their case number', q.agency_case_number], ['Priority', label(q.priority)], ['Why urgent', q.urgency_justification],
      ['Grounds', label(q.grounds)], ['Grounds detail', q.grounds_detail],
      ['Serial', w.serial_obliterated ? `${w.serial || ''} (obliterated)` : w.serial],
      ['Weapon', [w.manufacturer, w.model, label(w.type), w.calibre].filter(Boolean).join(' · ')],
      ['Made in', w.country_of_manufacture], ['Year', w.year || ''],
      ['Recovered', q.recovery ? [q.recovery.date, q.recovery.place, q.recovery.country].filter(Boolean).join(', ') : ''],
      ['Circumstances', q.recovery && q.recovery.circumstances],
      ['Officer', q.officer ? [q.officer.name, q.officer.email, q.officer.phone].filter(Boolean).join(' · ') : '']]),
    q.photos && q.photos.length ? [h('h2', {}, 'Photos'), photos] : null);
}

// "Export proof": the case's proof bundle (schema/README.md §7.2) saved as a file, for a court,
// an auditor or another state to check with `tracenet verify-proof`.
function exportProof(caseId) {
  const button = h('button', { type: 'button' }, 'Export proof');
  button.addEventListener('click', async () => {
    try {
      const bundle = await get(`/v1/traces/${caseId}/proof`);
      const url = URL.createObjectURL(new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' }));
      const link = h('a', { href: url, download: `proof-${caseId}.json` });
      document.body.append(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(url);
      say(`Proof of this case saved as proof-${caseId}.json (${bundle.messages.length} messages).`);
    } catch (e) { sayError(e); }
  });
  return h('p', { class: 'actions' }, button);
}

export async function caseView(main, { match, me }) {
  const id = match[1];
  let shown = null;
  // A proof names its signers by the federation's signed directory: a node on a peer list has none.
  const canProve = await get('/v1/status').then((s) => Boolean(s.directory)).catch(() => false);
  async function load(force) {
    const c = await get(`/v1/traces/${id}`);
    const key = `${c.state}/${c.timeline.length}`;
    if (key === shown && !force) return;  // unchanged: keep what the user is typing
    shown = key;
    put(main,
      h('h1', {}, `Trace ${c.weapon.serial || '(obliterated)'} `, badge(c.state, c.overdue)),
      h('p', { class: 'muted' },
        `${c.direction === 'outgoing' ? 'Sent to' : 'Received from'} ${c.peer} · filed ${when(c.created_at)} · due ${when(c.due_at)}`),
      c.state === 'awaiting_review' && me.can.review
        ? h('p', {}, 'The registry’s draft answer waits for review: ', h('a', { href: '#/inbox' }, 'open the inbox')) : null,
      h('div', { class: 'columns' },
        h('div', {}, followUps(c, me, () => load(true).catch(sayError)), requestCard(c.request, id), responseCard('Answer', c.response),
          canProve ? exportProof(id) : null),
        h('section', { class: 'card', 'aria-label': 'Timeline' },
          h('h2', {}, 'Timeline'),
          h('ol', { class: 'timeline' }, c.timeline.map((e) =>
            h('li', {}, h('strong', {}, label(e.event)), ' ', h('span', { class: 'when' }, when(e.at)),
              e.detail ? h('div', {}, e.detail) : null))))));
  }
  await load(true);
  return every(3000, () => load(false));
}
