// The trace request form (ITI fields, DOMAIN.md §2). Checks what it can before sending (the node
// checks again and its message is shown next to the field it names), attaches photos of the
// weapon and its markings, and opens the new case once the node has committed it.
import { get, post, ApiError } from '../api.js';
import { h, put, field, select } from '../dom.js';
import { say, sayError } from '../app.js';

const MAX_PHOTOS = 6;
const MAX_PHOTO_BYTES = 512 * 1024;
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

const GROUNDS = [['', 'Choose…'], ['national_law', 'National law'], ['un_security_council_embargo', 'UN Security Council embargo'],
  ['not_marked', 'Not marked'], ['unlicensed_manufacture', 'Unlicensed manufacture'],
  ['unlicensed_transfer', 'Unlicensed transfer'], ['other', 'Other']];
const TYPES = [['', 'Choose…'], ['pistol', 'Pistol'], ['revolver', 'Revolver'], ['rifle', 'Rifle'], ['carbine', 'Carbine'],
  ['shotgun', 'Shotgun'], ['submachine_gun', 'Submachine gun'], ['machine_gun', 'Machine gun'],
  ['assault_rifle', 'Assault rifle'], ['grenade_launcher', 'Grenade launcher'], ['other', 'Other']];

function text(attrs = {}) { return h('input', { type: 'text', ...attrs }); }

function readPhoto(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error(`cannot read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

export async function submitView(main) {
  let peers = [];
  try { peers = Object.keys((await get('/v1/status')).peers || {}); } catch (e) { sayError(e); }
  const c = {
    recipient: text({ list: 'peers', autocomplete: 'off', placeholder: 'member id, e.g. KE' }),
    priority: select([['routine', 'Routine'], ['urgent', 'Urgent']], 'routine'),
    urgency_justification: h('textarea', {}),
    grounds: select(GROUNDS, ''),
    grounds_detail: text(),
    requesting_agency: text(),
    agency_case_number: text(),
    officer_name: text(), officer_email: text({ type: 'email' }), officer_phone: text(),
    serial: text({ autocomplete: 'off' }),
    serial_obliterated: h('input', { type: 'checkbox' }),
    manufacturer: text(), model: text(), type: select(TYPES, ''), calibre: text(),
    country_of_manufacture: text(), year: h('input', { type: 'number', min: 1800, max: 2100 }),
    recovery_date: h('input', { type: 'date' }), recovery_place: text(), recovery_country: text(),
    circumstances: h('textarea', {}),
    photos: h('input', { type: 'file', accept: PHOTO_TYPES.join(','), multiple: true }),
  };
  const preview = h('div', { class: 'photos', 'aria-live': 'polite' });
  const send = h('button', { class: 'primary', type: 'submit' }, 'Send trace request');
  const form = h('form', { novalidate: true },
    h('fieldset', {}, h('legend', {}, 'Request'),
      h('div', { class: 'grid' },
        field('recipient', 'Requested state', c.recipient, { required: true }),
        field('priority', 'Priority', c.priority, { required: true }),
        field('grounds', 'Grounds (why illicit)', c.grounds, { required: true }),
        field('grounds_detail', 'Grounds detail', c.grounds_detail),
        field('requesting_agency', 'Requesting agency', c.requesting_agency),
        field('agency_case_number', 'Our case number', c.agency_case_number)),
      field('urgency_justification', 'Why urgent', c.urgency_justification, { hint: 'Required for an urgent trace.' })),
    h('fieldset', {}, h('legend', {}, 'Weapon'),
      h('div', { class: 'grid' },
        field('serial', 'Serial number', c.serial, { hint: 'As read from frame or receiver.' }),
        h('div', { class: 'field' }, h('label', { for: 'serial_obliterated' }, c.serial_obliterated, ' Serial obliterated')),
        field('manufacturer', 'Manufacturer', c.manufacturer, { required: true }),
        field('model', 'Model', c.model),
        field('type', 'Type', c.type, { required: true }),
        field('calibre', 'Calibre', c.calibre),
        field('country_of_manufacture', 'Country of manufacture', c.country_of_manufacture),
        field('year', 'Year', c.year))),
    h('fieldset', {}, h('legend', {}, 'Recovery'),
      h('div', { class: 'grid' },
        field('recovery_date', 'Date', c.recovery_date),
        field('recovery_place', 'Place', c.recovery_place),
        field('recovery_country', 'Country', c.recovery_country)),
      field('circumstances', 'Circumstances', c.circumstances)),
    h('fieldset', {}, h('legend', {}, 'Requesting officer'),
      h('div', { class: 'grid' },
        field('officer_name', 'Name', c.officer_name), field('officer_email', 'Email', c.officer_email),
        field('officer_phone', 'Phone', c.officer_phone))),
    h('fieldset', {}, h('legend', {}, 'Photos'),
      field('photos', 'Photos of the weapon and its markings', c.photos,
        { hint: `Up to ${MAX_PHOTOS} JPEG, PNG or WebP images, ${MAX_PHOTO_BYTES / 1024} KiB each.` }),
      preview),
    h('div', { class: 'actions' }, send),
    h('datalist', { id: 'peers' }, peers.map((p) => h('option', { value: p }))));
  put(main, h('h1', {}, 'New trace request'), form);

  const problems = new Map();
  function mark(id, message) {
    const control = document.getElementById(id);
    const error = document.getElementById(`${id}-error`);
    if (control) control.setAttribute('aria-invalid', message ? 'true' : 'false');
    if (error) error.textContent = message || '';
    if (message) problems.set(id, message); else problems.delete(id);
  }

  function photoFiles() { return [...c.photos.files]; }
  c.photos.addEventListener('change', () => {
    const files = photoFiles();
    put(preview, ...files.map((f) => h('figure', {},
      h('img', { src: URL.createObjectURL(f), alt: `Photo ${f.name}` }), h('figcaption', {}, `${f.name} · ${Math.ceil(f.size / 1024)} KiB`))));
    validate(['photos']);
  });

  function validate(only) {
    const check = (id, message) => { if (!only || only.includes(id)) mark(id, message); };
    check('recipient', c.recipient.value.trim() ? '' : 'Name the requested state (its member id).');
    check('grounds', c.grounds.value ? '' : 'Choose why the weapon is considered illicit.');
    check('urgency_justification', c.priority.value === 'urgent' && !c.urgency_justification.value.trim()
      ? 'An urgent trace needs a justification.' : '');
    check('serial', !c.serial.value.trim() && !c.serial_obliterated.checked
      ? 'Give the serial, or tick “Serial obliterated”.' : '');
    check('manufacturer', c.manufacturer.value.trim() ? '' : 'The manufacturer is required.');
    check('type', c.type.value ? '' : 'Choose the weapon type.');
    const year = c.year.value;
    check('year', year && (year < 1800 || year > 2100) ? 'A year between 1800 and 2100.' : '');
    const files = photoFiles();
    let photoProblem = '';
    if (files.length > MAX_PHOTOS) photoProblem = `At most ${MAX_PHOTOS} photos.`;
    for (const f of files) {
      if (!PHOTO_TYPES.includes(f.type)) photoProblem = `${f.name} is not a JPEG, PNG or WebP image.`;
      else if (f.size > MAX_PHOTO_BYTES) photoProblem = `${f.name} is ${Math.ceil(f.size / 1024)} KiB; at most ${MAX_PHOTO_BYTES / 1024} KiB.`;
    }
    check('photos', photoProblem);
    return problems.size === 0;
  }
  for (const el of Object.values(c)) el.addEventListener('blur', () => { if (problems.size) validate(); });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!validate()) {
      say(`Please correct ${problems.size} field${problems.size > 1 ? 's' : ''} before sending.`, true);
      document.getElementById(problems.keys().next().value).focus();
      return;
    }
    const v = (el) => el.value.trim();
    const body = {
      recipient: v(c.recipient), priority: c.priority.value, grounds: c.grounds.value,
      urgency_justification: v(c.urgency_justification), grounds_detail: v(c.grounds_detail),
      requesting_agency: v(c.requesting_agency), agency_case_number: v(c.agency_case_number),
      weapon: {
        serial: v(c.serial), serial_obliterated: c.serial_obliterated.checked, manufacturer: v(c.manufacturer),
        model: v(c.model), type: c.type.value, calibre: v(c.calibre), country_of_manufacture: v(c.country_of_manufacture),
      },
      officer: { name: v(c.officer_name), email: v(c.officer_email), phone: v(c.officer_phone) },
      recovery: { date: c.recovery_date.value, place: v(c.recovery_place), country: v(c.recovery_country), circumstances: v(c.circumstances) },
      photos: [],
    };
    if (c.year.value) body.weapon.year = Number(c.year.value);
    send.disabled = true;
    try {
      for (const f of photoFiles()) body.photos.push({ media_type: f.type, caption: f.name, data_base64: await readPhoto(f) });
      const filed = await post('/v1/traces', body);
      location.hash = `#/case/${filed.case_id}`;
      say('Trace request committed and queued for delivery.');
    } catch (e) {
      send.disabled = false;
      if (e instanceof ApiError) {
        const named = ['recipient', 'grounds', 'urgency_justification', 'manufacturer', 'serial', 'photos', 'year']
          .find((id) => e.message.includes(id.replace('_', ' ')) || e.message.startsWith(id) || e.message.includes(`weapon.${id}`));
        if (named) mark(named, e.message);
      }
      sayError(e);
    }
  });
  c.recipient.focus();
}
