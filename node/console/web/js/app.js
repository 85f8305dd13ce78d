// The console's shell: sign-in with an API token, the menu the user's role allows, and a hash
// router (#/inbox, #/case/<id>) so every view has an address, works with Back, and can be
// bookmarked. Views refresh themselves while shown; nothing is cached across sign-ins.
import { get, setToken, token, ApiError, releaseImages } from './api.js';
import { h, put } from './dom.js';
import { dashboardView } from './views/dashboard.js';
import { submitView } from './views/submit.js';
import { caseView } from './views/case.js';
import { inboxView } from './views/inbox.js';
import { stolenView } from './views/stolen.js';
import { federationView } from './views/federation.js';
import { auditView } from './views/audit.js';

const MENU = [
  ['#/', 'Cases', 'read_cases'],
  ['#/submit', 'New trace', 'submit'],
  ['#/inbox', 'Inbox', 'review'],
  ['#/stolen', 'Lost & stolen', 'read_stolen'],
  ['#/federation', 'Federation', 'read_cases'],
  ['#/audit', 'Audit', 'audit'],
];

const ROUTES = [
  [/^#\/?$/, dashboardView],
  [/^#\/submit$/, submitView],
  [/^#\/case\/([0-9a-f]{32})$/, caseView],
  [/^#\/inbox$/, inboxView],
  [/^#\/stolen$/, stolenView],
  [/^#\/federation$/, federationView],
  [/^#\/audit$/, auditView],
];

let me = null;
let stopCurrent = null;

export function say(message, isError = false) {
  const box = document.getElementById('status');
  put(box, message ? h('div', { class: `msg${isError ? ' error' : ''}` }, message) : '');
}

export function sayError(e) {
  if (e instanceof ApiError && e.status === 401) { signOut('Your token was refused (unknown or revoked). Sign in again.'); return; }
  say(e instanceof ApiError ? `${e.message} (${e.code})` : String(e), true);
}

export function user() { return me; }

function signOut(message) {
  setToken('');
  me = null;
  renderChrome();
  showLogin(message);
}

function renderChrome() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  document.getElementById('node-name').textContent = me ? `node ${me.node}` : '';
  put(nav, ...(me ? MENU.filter(([, , need]) => me.can[need]).map(([href, text]) => h('a', { href }, text)) : []));
  put(who, ...(me ? [`${me.user} · ${me.role}`, h('button', { type: 'button', onclick: () => signOut('Signed out.') }, 'Sign out')] : []));
}

function showLogin(message) {
  const main = document.getElementById('main');
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', required: true });
  const form = h('form', { class: 'card login' },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'Paste the API token your node administrator gave you (tracenet user add).'),
    h('label', { for: 'token' }, 'API token'), input,
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, 'Sign in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    setToken(input.value.trim());
    try {
      me = await get('/v1/me');
      say('');
      renderChrome();
      route();
    } catch (e) {
      setToken('');
      say(e instanceof ApiError && e.status === 401 ? 'That token is not valid on this node.' : `${e.message}`, true);
    }
  });
  put(main, form);
  if (message) say(message);
  input.focus();
}

async function route() {
  if (stopCurrent) { stopCurrent(); stopCurrent = null; }
  releaseImages();
  if (!me) return showLogin();
  const hash = location.hash || '#/';
  for (const a of document.querySelectorAll('#nav a')) {
    const current = a.getAttribute('href') === hash.split('?')[0] || (a.getAttribute('href') === '#/' && hash.startsWith('#/case/'));
    if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const main = document.getElementById('main');
  say('');
  for (const [pattern, view] of ROUTES) {
    const m = hash.split('?')[0].match(pattern);
    if (!m) continue;
    const params = new URLSearchParams(hash.split('?')[1] || '');
    try {
      stopCurrent = await view(main, { match: m, params, me }) || null;
    } catch (e) {
      sayError(e);
    }
    main.focus();
    return;
  }
  put(main, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to cases')));
}

// Re-runs `load` every `ms` while the view is shown; returns the stop function a view hands back.
export function every(ms, load) {
  const timer = setInterval(() => { if (!document.hidden) load().catch(sayError); }, ms);
  return () => clearInterval(timer);
}

async function start() {
  window.addEventListener('hashchange', route);
  if (token()) {
    try { me = await get('/v1/me'); } catch { setToken(''); me = null; }
  }
  renderChrome();
  route();
}

start();
