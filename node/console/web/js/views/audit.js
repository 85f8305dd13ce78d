// The audit log: the hash chain checked end to end by the node, and the latest entries (who did
// what, when). The full signed bundle for a third party comes from `tracenet audit export`.
import { get } from '../api.js';
import { h, put, table, when } from '../dom.js';
import { sayError } from '../app.js';

const PAGE = 200;

export async function auditView(main) {
  const verdict = h('div', {});
  const entries = h('div', {});
  const check = h('button', { type: 'button' }, 'Verify the chain now');
  put(main, h('h1', {}, 'Audit log'),
    h('section', { class: 'card', 'aria-label': 'Verification' }, h('h2', {}, 'Integrity'), verdict, h('div', { class: 'actions' }, check)),
    h('section', { class: 'card', 'aria-label': 'Entries' }, h('h2', {}, `Latest ${PAGE} entries`), entries));
  async function verify() {
    const v = await get('/v1/audit/verify');
    put(verdict, v.ok
      ? h('p', { class: 'ok' }, `Chain intact: ${v.entries} entries, ${v.checkpoints} signed checkpoints.`)
      : h('p', { class: 'bad' }, `Chain BROKEN at entry ${v.first_break}: ${v.problem}`));
    return v;
  }
  check.addEventListener('click', () => verify().catch(sayError));
  const v = await verify();
  const from = Math.max(1, v.entries - PAGE + 1);
  const bundle = await get(`/v1/audit/export?from=${from}`);
  const list = [...bundle.entries].reverse();
  put(entries, list.length ? table(['#', 'When', 'Who', 'Event', 'Subject', 'Detail'],
    list.map((e) => [e.seq, when(new Date(e.at_ms).toISOString()), e.actor, e.event, e.subject, e.detail]))
    : h('p', { class: 'muted' }, 'The log is empty.'));
}
