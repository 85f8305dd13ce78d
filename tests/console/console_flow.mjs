// The console end to end in a real browser (Debian's Chromium, headless, driven by Playwright):
// an officer at node A files a trace with a photo; at node B, which holds traces for review, a
// responder finds it in the inbox, asks the officer a question (answered from A's console) and
// approves the registry's draft; A's console then shows the answer and the timeline.
// Screenshots of each step go to ARTIFACTS. Also measures the console's first load (bytes and
// time, empty cache) and prints it.
//
// env: A_URL A_TOKEN (a submitter at A), B_URL B_TOKEN (a responder at B), B_ID (B's member id),
//      SERIAL and MAKE (a weapon B's registry knows), ARTIFACTS (a folder), CHROMIUM (optional)
import { env, run, shot, signedIn, TIMEOUT } from './browser.mjs';

// 1x1 PNG: a real image, so the node's content check (first bytes) is exercised.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

// One first visit in a fresh context (empty cache): bytes and files, and time to the sign-in
// form; then a reload (revalidated, 304s).
async function visit(browser, url, ready) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  if (ready) await page.locator(ready).waitFor({ timeout: TIMEOUT });
  const wall = Date.now() - started;
  const measure = () => page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    return {
      files: 1 + res.length,
      bytes: nav.encodedBodySize + res.reduce((n, r) => n + r.encodedBodySize, 0),
      transferred: nav.transferSize + res.reduce((n, r) => n + r.transferSize, 0),
      load: nav.loadEventEnd,
    };
  });
  const first = { ...(await measure()), wall };
  await page.reload({ waitUntil: 'load' });
  const again = await measure();
  await context.close();
  return { first, again };
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

// The console's first load against a baseline in the same run: the node's /healthz (a few
// bytes of JSON from the same server) opened the same way. Five of each, alternating; medians.
async function firstLoad(browser, url) {
  const base = [], con = [];
  for (let i = 0; i < 5; i++) {
    base.push(await visit(browser, `${url}/healthz`, null));
    con.push(await visit(browser, `${url}/console/`, '#token'));
  }
  const m = (list, pick) => Math.round(median(list.map(pick)));
  const c = con[0].first;
  console.log(`console first load: ${c.files} files, ${c.bytes} bytes (${c.transferred} transferred with headers); ` +
    `median of 5: load event ${m(con, (v) => v.first.load)} ms, sign-in form shown after ${m(con, (v) => v.first.wall)} ms; ` +
    `reload: ${m(con, (v) => v.again.transferred)} bytes transferred, load ${m(con, (v) => v.again.load)} ms. ` +
    `Baseline /healthz first load: load event ${m(base, (v) => v.first.load)} ms, shown after ${m(base, (v) => v.first.wall)} ms; ` +
    `ratio console/baseline (shown after): ${(median(con.map((v) => v.first.wall)) / median(base.map((v) => v.first.wall))).toFixed(2)}`);
}

run('console flow', async (browser, failures) => {
  {
    await firstLoad(browser, env('A_URL'));
    const serial = env('SERIAL');

    // Node A: the officer files a trace with a photo.
    const a = await signedIn(browser, env('A_URL'), env('A_TOKEN'), 'A', failures);
    await shot(a, '1-a-dashboard');
    await a.locator('#nav').getByRole('link', { name: 'New trace' }).click();
    await a.locator('#recipient').waitFor({ timeout: TIMEOUT });
    // Sending the empty form shows what is missing, next to each field.
    await a.getByRole('button', { name: 'Send trace request' }).click();
    await a.locator('#manufacturer-error').filter({ hasText: 'required' }).waitFor({ timeout: TIMEOUT });
    await shot(a, '2-a-validation');
    await a.fill('#recipient', env('B_ID'));
    await a.selectOption('#priority', 'urgent');
    await a.fill('#urgency_justification', 'suspect in custody, 48 h before release');
    await a.selectOption('#grounds', 'national_law');
    await a.fill('#agency_case_number', 'CONSOLE-1');
    await a.fill('#serial', serial);
    await a.fill('#manufacturer', env('MAKE'));
    await a.selectOption('#type', 'pistol');
    await a.fill('#recovery_place', 'Guadalajara');
    await a.fill('#officer_name', 'Insp. Ramos');
    await a.setInputFiles('#photos', { name: 'markings.png', mimeType: 'image/png', buffer: PNG });
    await a.locator('.photos img').first().waitFor({ timeout: TIMEOUT });
    await shot(a, '3-a-form');
    await a.getByRole('button', { name: 'Send trace request' }).click();
    await a.waitForURL(/#\/case\/[0-9a-f]{32}$/, { timeout: TIMEOUT });
    const caseUrl = a.url();
    await a.getByRole('heading', { name: 'Timeline' }).waitFor({ timeout: TIMEOUT });
    // The photo came back from the node through the API, not from the file picker.
    await a.locator('section[aria-label="Request"] img[src^="blob:"]').waitFor({ timeout: TIMEOUT });
    await shot(a, '4-a-case-submitted');

    // Node B: the responder reviews the held draft and approves it.
    const b = await signedIn(browser, env('B_URL'), env('B_TOKEN'), 'B', failures);
    await b.locator('#nav').getByRole('link', { name: 'Inbox' }).click();
    const card = b.locator('article', { hasText: serial });
    await card.waitFor({ timeout: TIMEOUT });
    await card.getByRole('heading', { name: 'Registry draft' }).waitFor({ timeout: TIMEOUT });
    await shot(b, '5-b-inbox');

    // Before deciding, the responder asks a question; the officer at A sees it and answers.
    await card.getByRole('link', { name: new RegExp(serial) }).click();
    await b.fill('#clarification-question', 'Is the importer marking CAI or CA1?');
    await b.getByRole('button', { name: 'Send question' }).click();
    await b.locator('#status').filter({ hasText: 'committed' }).waitFor({ timeout: TIMEOUT });
    // The officer's case list puts the case with a question first and says so.
    await a.locator('#nav').getByRole('link', { name: 'Cases' }).click();
    const waiting = a.locator('tr', { hasText: 'question to answer' });
    await waiting.waitFor({ timeout: TIMEOUT });
    await shot(a, '5a-a-dashboard-question');
    await waiting.getByRole('link', { name: serial }).click();
    await a.locator('.question', { hasText: 'CAI or CA1' }).waitFor({ timeout: TIMEOUT });
    await shot(a, '5b-a-question');
    await a.fill('#clarification-answer', 'CAI: see the photo of the left side');
    await a.getByRole('button', { name: 'Send answer' }).click();
    await a.locator('#status').filter({ hasText: 'committed' }).waitFor({ timeout: TIMEOUT });
    await b.locator('.timeline li', { hasText: 'CAI: see the photo' }).waitFor({ timeout: TIMEOUT });
    await shot(b, '5c-b-answer-received');

    await b.locator('#nav').getByRole('link', { name: 'Inbox' }).click();
    await card.getByRole('button', { name: 'Approve and send' }).click();
    await b.locator('#status').filter({ hasText: 'committed' }).waitFor({ timeout: TIMEOUT });
    await shot(b, '6-b-approved');

    // Node A: the answer and the whole timeline.
    await a.goto(caseUrl);
    await a.getByRole('heading', { name: 'Answer', exact: true }).waitFor({ timeout: TIMEOUT });
    await a.locator('h1 .badge', { hasText: 'Answered' }).waitFor({ timeout: TIMEOUT });
    const events = await a.locator('.timeline li strong').allTextContents();
    for (const wanted of ['Submitted', 'Sent', 'Delivered', 'Acknowledged', 'Clarification requested', 'Clarification answered', 'Answered'])
      if (!events.includes(wanted)) failures.push(`A's timeline lacks "${wanted}": ${events.join(', ')}`);
    await shot(a, '7-a-answered');
    // Export proof needs the federation's signed directory to name the signers: this node runs on
    // a peer list, so the case page does not offer it (the directory federation's flow does).
    if (await a.getByRole('button', { name: 'Export proof' }).count())
      failures.push('Export proof is offered on a node without a signed directory');
    await a.locator('#nav').getByRole('link', { name: 'Cases' }).click();
    await a.locator('table a', { hasText: serial }).waitFor({ timeout: TIMEOUT });
    await shot(a, '8-a-dashboard-after');
  }
});
