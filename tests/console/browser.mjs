// What the console's browser tests share: Debian's Chromium launched headless for a closed
// network, signing in by keyboard, screenshots, and a watch that turns page errors, failed or
// refused requests and any request leaving 127.0.0.1 into failures.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

export const TIMEOUT = 60_000;

export function env(name) {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export async function shot(page, name) {
  const dir = env('ARTIFACTS');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

export function watch(page, who, failures) {
  page.on('pageerror', (e) => failures.push(`${who}: page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') failures.push(`${who}: console error: ${m.text()}`); });
  page.on('requestfailed', (r) => failures.push(`${who}: request failed: ${r.url()}`));
  page.on('request', (r) => {
    if (!/^(http:\/\/127\.0\.0\.1[:/]|blob:http:\/\/127\.0\.0\.1[:/]|data:)/.test(r.url())) failures.push(`${who}: outside request ${r.url()}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) failures.push(`${who}: ${r.status()} for ${r.url()}`); });
}

// A new browser context signed in to the console at `url` with `token`, by keyboard only: the
// token field has focus on arrival, Enter signs in.
export async function signedIn(browser, url, token, who, failures) {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  watch(page, who, failures);
  await page.goto(`${url}/console/`);
  await page.locator('#token').waitFor({ timeout: TIMEOUT });
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await page.locator('#who').filter({ hasText: '·' }).waitFor({ timeout: TIMEOUT });
  return page;
}

// Runs `flow(browser, failures)`, screenshots every open page when it stops early, and exits
// non-zero with each failure printed.
export async function run(name, flow) {
  const browser = await launch();
  const failures = [];
  try {
    await flow(browser, failures);
  } catch (e) {
    failures.push(`flow stopped: ${e.message.split('\n')[0]}`);
    for (const [i, context] of browser.contexts().entries())
      for (const page of context.pages()) await shot(page, `${name}-failure-${i}`).catch(() => {});
  } finally {
    await browser.close();
  }
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(failures.length ? `${failures.length} failures` : `${name} passed`);
  process.exit(failures.length ? 1 : 0);
}
