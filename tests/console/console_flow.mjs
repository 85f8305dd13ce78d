// The console end to end in a real browser (Debian's Chromium, headless, driven by Playwright):
// an officer at node A files a trace with a photo; at node B, which holds traces for review, a
// responder finds it in the inbox and approves the registry's draft; A's console then shows the
// answer and the timeline. Screenshots of each step go to ARTIFACTS. Also measures the console's
// first load (bytes and time, empty cache) and prints it.
//
// env: A_URL A_TOKEN (a submitter at A), B_URL B_TOKEN (a responder at B), B_ID (B's member id),
//      SERIAL and MAKE (a weapon B's registry knows), ARTIFACTS (a folder), CHROMIUM (optional)
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};
const artifacts = env('ARTIFACTS');
fs.mkdirSync(artifacts, { recursive: true });
const TIMEOUT = 60_000;

// 1x1 PNG: a real image, so the node's content check (first bytes) is exercised.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

async function signIn(page, url, token) {
  await page.goto(`${url}/console/`);
  const input = page.locator('#token');
  await input.waitFor({ timeout: TIMEOUT });
  // By keyboard only: the token field has focus on arrival, Enter signs in.
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await page.locator('#who').filter({ hasText: '·' }).waitFor({ timeout: TIMEOUT });
}

async function firstLoad(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(`${url}/console/`, { waitUntil: 'load' });
  await page.locator('#token').waitFor({ timeout: TIMEOUT });
  const wall = Date.now() - started;
  const m = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    return {
      files: 1 + res.length,
      bytes: nav.encodedBodySize + res.reduce((n, r) => n + r.encodedBodySize, 0),
      transferred: nav.transferSize + res.reduce((n, r) => n + r.transferSize, 0),
      domContentLoaded: Math.round(nav.domContentLoadedEventEnd),
      load: Math.round(nav.loadEventEnd),
    };
  });
  await page.reload({ waitUntil: 'load' });
  const again = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    return { transferred: nav.transferSize + res.reduce((n, r) => n + r.transferSize, 0), load: Math.round(nav.loadEventEnd) };
  });
  await context.close();
  console.log(`console first load: ${m.files} files, ${m.bytes} bytes (${m.transferred} transferred with headers), ` +
    `DOMContentLoaded ${m.domContentLoaded} ms, load ${m.load} ms, sign-in form shown after ${wall} ms; ` +
    `reload: ${again.transferred} bytes transferred, load ${again.load} ms`);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const failures = [];
  const watch = (page, who) => {
    page.on('pageerror', (e) => failures.push(`${who}: page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') failures.push(`${who}: console error: ${m.text()}`); });
    page.on('requestfailed', (r) => failures.push(`${who}: request failed: ${r.url()}`));
    page.on('request', (r) => {
      if (!/^(http:\/\/127\.0\.0\.1[:/]|blob:http:\/\/127\.0\.0\.1[:/]|data:)/.test(r.url())) failures.push(`${who}: outside request ${r.url()}`);
    });
    page.on('response', (r) => { if (r.status() >= 400) failures.push(`${who}: ${r.status()} for ${r.url()}`); });
  };
  try {
    await firstLoad(browser, env('A_URL'));
    const serial = env('SERIAL');

    // Node A: the officer files a trace with a photo.
    const a = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    watch(a, 'A');
    await signIn(a, env('A_URL'), env('A_TOKEN'));
    await shot(a, '1-a-dashboard');
    await a.getByRole('link', { name: 'New trace' }).click();
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
    const b = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    watch(b, 'B');
    await signIn(b, env('B_URL'), env('B_TOKEN'));
    await b.getByRole('link', { name: 'Inbox' }).click();
    const card = b.locator('article', { hasText: serial });
    await card.waitFor({ timeout: TIMEOUT });
    await card.getByRole('heading', { name: 'Registry draft' }).waitFor({ timeout: TIMEOUT });
    await shot(b, '5-b-inbox');
    await card.getByRole('button', { name: 'Approve and send' }).click();
    await b.locator('#status').filter({ hasText: 'committed' }).waitFor({ timeout: TIMEOUT });
    await shot(b, '6-b-approved');

    // Node A: the answer and the whole timeline.
    await a.goto(caseUrl);
    await a.getByRole('heading', { name: 'Answer', exact: true }).waitFor({ timeout: TIMEOUT });
    await a.locator('h1 .badge', { hasText: 'Answered' }).waitFor({ timeout: TIMEOUT });
    const events = await a.locator('.timeline li strong').allTextContents();
    for (const wanted of ['Submitted', 'Sent', 'Delivered', 'Acknowledged', 'Answered'])
      if (!events.includes(wanted)) failures.push(`A's timeline lacks "${wanted}": ${events.join(', ')}`);
    await shot(a, '7-a-answered');
    await a.getByRole('link', { name: 'Cases' }).click();
    await a.locator('table a', { hasText: serial }).waitFor({ timeout: TIMEOUT });
    await shot(a, '8-a-dashboard-after');
  } catch (e) {
    failures.push(`flow stopped: ${e.message.split('\n')[0]}`);
    for (const [i, context] of browser.contexts().entries())
      for (const page of context.pages()) await shot(page, `failure-${i}`).catch(() => {});
  } finally {
    await browser.close();
  }
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(failures.length ? `${failures.length} failures` : 'console flow passed');
  process.exit(failures.length ? 1 : 0);
}

main();
