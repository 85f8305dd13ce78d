// Lost and stolen weapons: search the federation's index (scored candidates, each with the
// owner's signature checked), confirm or deny hits that other states' searches made on our own
// records, and report a weapon lost or stolen.
import { get, post } from '../api.js';
import { h, put, label, when, field, select, table } from '../dom.js';
import { say, sayError, every } from '../app.js';

function text(attrs = {}) { return h('input', { type: 'text', ...attrs }); }

function candidatesTable(search) {
  const cands = search.candidates || [];
  if (search.state === 'sent') return h('p', { class: 'muted' }, 'Sent to the hub; waiting for its answer…');
  if (search.state === 'refused') return h('p', { class: 'bad' }, `The hub refused the search: ${search.refused}`);
  if (!cands.length) return h('p', {}, `No candidates (${search.examined ?? 0} index entries examined).`);
  return table(['Score', 'Serial', 'Weapon', 'Category', 'Owner', 'Why', 'Signature', 'Owner’s decision'],
    cands.map((c) => [
      c.band === 'weak' ? h('span', { class: 'muted', title: 'a weak match: two differences, or one with evidence against it' },
        `${c.score}/100 weak`) : `${c.score}/100${c.band ? ` ${c.band}` : ''}`, c.record.serial,
      [c.record.make, c.record.model, c.record.calibre].filter(Boolean).join(' '), label(c.record.category),
      `${c.record.owner} (${c.record.owner_ref})`, (c.reasons || []).join('; '),
      c.owner_signature_valid ? h('span', { class: 'ok' }, 'valid') : h('span', { class: 'bad' }, 'NOT valid'),
      c.decision ? (c.decision.confirmed ? h('span', { class: 'ok' }, 'confirmed') : 'denied')
        : c.overdue ? h('span', { class: 'bad' }, 'overdue') : `awaited by ${when(new Date(c.confirm_by_ms).toISOString())}`]));
}

function searchSection(me) {
  const c = { serial: text({ autocomplete: 'off' }), make: text(), calibre: text(), type: text(), case_reference: text(),
    approximate: h('input', { type: 'checkbox', id: 'approximate', checked: true }) };
  const results = h('div', { 'aria-live': 'polite' });
  const form = h('form', {},
    h('div', { class: 'grid' },
      field('search-serial', 'Serial', c.serial, { required: true }), field('search-make', 'Make', c.make),
      field('search-calibre', 'Calibre', c.calibre), field('search-type', 'Type', c.type),
      field('search-case', 'Our case reference', c.case_reference)),
    h('div', {}, h('label', { for: 'approximate' }, c.approximate, ' Also find misread serials (one character off, confusable letters)')),
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit', disabled: !me.can.search_stolen }, 'Search')));
  let poll = null;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!c.serial.value.trim()) { say('Give the serial to search for.', true); c.serial.focus(); return; }
    const body = { serial: c.serial.value.trim(), approximate: c.approximate.checked };
    for (const k of ['make', 'calibre', 'type', 'case_reference']) if (c[k].value.trim()) body[k] = c[k].value.trim();
    try {
      const started = await post('/v1/stolen/searches', body);
      put(results, h('p', { class: 'muted' }, 'Searching…'));
      if (poll) poll();
      const show = async () => {
        const s = await get(`/v1/stolen/searches/${started.search_id}`);
        put(results, h('h2', {}, `Candidates for ${s.search.serial}`), candidatesTable(s));
        // Keep watching until the hub answered and every owner decided (or let the deadline pass).
        const waiting = s.state === 'sent' || (s.candidates || []).some((c) => !c.decision && !c.overdue);
        if (!waiting && poll) { poll(); poll = null; }
      };
      await show();
      poll = every(1500, show);
    } catch (e) { sayError(e); }
  });
  return { node: h('section', { class: 'card', 'aria-label': 'Search' }, h('h2', {}, 'Search the federation'), form, results), stop: () => poll && poll() };
}

function hitsSection(me) {
  const box = h('div', {});
  async function load() {
    const raw = (await get('/v1/stolen/hits')).hits;
    const hits = Array.isArray(raw) ? raw : [...(raw.open || []), ...(raw.decided || [])];
    if (!hits.length) { put(box, h('p', { class: 'muted' }, 'No other state’s search has matched our records.')); return; }
    put(box, table(['Our record', 'Searched by', 'Their serial', 'Score', 'Confirm by', 'Decision'],
      hits.map((x) => [x.owner_ref, x.searcher, x.search && x.search.serial, `${x.score}/100`,
        when(new Date(x.confirm_by_ms).toISOString()),
        x.decision ? (x.decision.confirmed ?? x.decision === 'confirm' ? 'confirmed' : 'denied')
          : me.can.decide_hits ? h('span', {},
            h('button', { type: 'button', onclick: () => decide(x, 'confirm') }, 'Confirm'), ' ',
            h('button', { type: 'button', class: 'danger', onclick: () => decide(x, 'deny') }, 'Deny'))
            : (x.overdue ? h('span', { class: 'bad' }, 'overdue') : 'awaiting')])));
  }
  async function decide(hit, decision) {
    try {
      await post(`/v1/stolen/hits/${hit.hit_id}`, { decision });
      say(`Hit on ${hit.owner_ref} ${decision === 'confirm' ? 'confirmed' : 'denied'}; ${hit.searcher} is told.`);
      await load();
    } catch (e) { sayError(e); }
  }
  return { node: h('section', { class: 'card', 'aria-label': 'Hits on our records' }, h('h2', {}, 'Hits on our records'), box), load };
}

function reportSection() {
  const c = { owner_ref: text(), serial: text(), category: select([['stolen', 'Stolen'], ['lost', 'Lost'], ['trafficked', 'Trafficked'], ['smuggled', 'Smuggled']], 'stolen'),
    make: text(), model: text(), type: text(), calibre: text(), event_date: h('input', { type: 'date' }), event_place: text() };
  const form = h('form', {},
    h('div', { class: 'grid' },
      field('report-ref', 'Our reference', c.owner_ref, { required: true }), field('report-serial', 'Serial', c.serial, { required: true }),
      field('report-category', 'Category', c.category, { required: true }), field('report-make', 'Make', c.make),
      field('report-model', 'Model', c.model), field('report-type', 'Type', c.type), field('report-calibre', 'Calibre', c.calibre),
      field('report-date', 'Date lost or stolen', c.event_date), field('report-place', 'Place', c.event_place)),
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, 'Report and publish')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const record = {};
    for (const [k, el] of Object.entries(c)) if (el.value.trim()) record[k] = el.value.trim();
    if (!record.owner_ref || !record.serial) { say('Give our reference and the serial.', true); return; }
    try {
      const r = await post('/v1/stolen/records', { records: [record] });
      say(`Record ${record.owner_ref} stored and published to ${r.published_to_hubs} hub(s).`);
      form.reset();
    } catch (e) { sayError(e); }
  });
  return h('section', { class: 'card', 'aria-label': 'Report' }, h('h2', {}, 'Report a lost or stolen weapon'), form);
}

export async function stolenView(main, { me }) {
  const search = searchSection(me);
  const hits = hitsSection(me);
  put(main, h('h1', {}, 'Lost and stolen weapons'), search.node, hits.node, me.can.report_stolen ? reportSection() : null);
  await hits.load();
  const stopHits = every(5000, hits.load);
  return () => { stopHits(); search.stop(); };
}
