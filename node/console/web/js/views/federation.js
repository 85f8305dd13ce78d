// The node's view of the federation: each peer and hub with its link and queue, the signed
// directory in force (version, age, refused updates), the registry adapter and message counters.
import { get } from '../api.js';
import { h, put, facts, table, when } from '../dom.js';
import { every } from '../app.js';

function age(seconds) {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

export async function federationView(main) {
  const body = h('div', {});
  put(main, h('h1', {}, 'Federation status'), body);
  async function load() {
    const s = await get('/v1/status');
    const d = s.directory;
    const peers = Object.entries(s.peers || {}).sort();
    const c = s.counters || {};
    put(body,
      h('div', { class: 'columns' },
        h('section', { class: 'card', 'aria-label': 'This node' }, h('h2', {}, 'This node'),
          facts([['Member id', s.id], ['Listening on', s.listen], ['Messages waiting in the outbox', s.outbox],
            ['Registry adapter', s.registry.adapter], ['Registry lookups', s.registry.lookups],
            ['Registry failures / timeouts', `${s.registry.failures} / ${s.registry.timeouts}`]])),
        h('section', { class: 'card', 'aria-label': 'Directory' }, h('h2', {}, 'Member directory'),
          d ? facts([['Federation', d.federation], ['Version', d.version], ['Issued', when(d.issued_at)],
            ['Age', age(d.age_seconds)], ['Expires', when(d.expires_at)], ['Refused updates', d.refused_updates],
            ['Problem', d.problem ? h('span', { class: 'bad' }, d.problem) : '']])
            : h('p', { class: 'muted' }, 'No signed directory: peers come from the configuration file.'))),
      h('section', { class: 'card', 'aria-label': 'Peers' }, h('h2', {}, 'Peers and hubs'),
        peers.length ? table(['Peer', 'Link', 'Queued for it'], peers.map(([id, p]) => [id,
          p.link_up ? h('span', { class: 'ok' }, 'up') : h('span', { class: 'bad' }, 'down'), p.queued]))
          : h('p', { class: 'muted' }, 'No peers configured.')),
      h('section', { class: 'card', 'aria-label': 'Counters' }, h('h2', {}, 'Messages since start'),
        facts([['Sent', c.envelopes_sent], ['Accepted', c.envelopes_accepted], ['Duplicates dropped', c.duplicates],
          ['Rejected', c.envelopes_rejected], ['Retries', c.retries], ['Dead letters', c.dead_letters],
          ['Relayed', c.relayed], ['Batches committed', c.batches_committed], ['Commit failures', c.commit_failures]])));
  }
  await load();
  return every(5000, load);
}
