// The console's lost/stolen page in a real browser: an officer at the owner node reports a
// stolen pistol (published to the hub); an officer at another member searches for a serial
// misread by one character and sees the record as a scored candidate with a valid owner
// signature; a responder at the owner node confirms the hit; the searcher sees it confirmed.
//
// env: OWNER_URL, OWNER_TOKEN (a submitter at the owner node), RESPONDER_TOKEN (a responder
//      there), SEARCH_URL, SEARCH_TOKEN (a submitter at the searching member), ARTIFACTS
import { env, run, shot, signedIn, TIMEOUT } from './browser.mjs';

run('stolen flow', async (browser, failures) => {
  const owner = await signedIn(browser, env('OWNER_URL'), env('OWNER_TOKEN'), 'owner', failures);
  await owner.locator('#nav').getByRole('link', { name: 'Lost & stolen' }).click();
  await owner.fill('#report-ref', 'NFB-2026-0117');
  await owner.fill('#report-serial', 'GLK482913');
  await owner.selectOption('#report-category', 'stolen');
  await owner.fill('#report-make', 'Glock');
  await owner.fill('#report-model', '17');
  await owner.fill('#report-type', 'pistol');
  await owner.fill('#report-calibre', '9x19mm');
  await owner.fill('#report-place', 'Nairobi');
  await owner.getByRole('button', { name: 'Report and publish' }).click();
  await owner.locator('#status').filter({ hasText: 'published to 1 hub' }).waitFor({ timeout: TIMEOUT });
  await shot(owner, 's1-owner-reported');

  const searcher = await signedIn(browser, env('SEARCH_URL'), env('SEARCH_TOKEN'), 'searcher', failures);
  await searcher.locator('#nav').getByRole('link', { name: 'Lost & stolen' }).click();
  // The seized weapon's serial as read in the field: one character wrong.
  const candidate = searcher.locator('tr', { hasText: 'GLK482913' });
  for (let attempt = 0; attempt < 20; attempt++) {
    await searcher.fill('#search-serial', 'GLK482918');
    await searcher.fill('#search-case', 'SEIZURE-7');
    await searcher.getByRole('button', { name: 'Search', exact: true }).click();
    await searcher.locator('h2', { hasText: 'Candidates for GLK482918' }).waitFor({ timeout: TIMEOUT });
    await searcher.locator('p', { hasText: 'waiting for its answer' }).waitFor({ state: 'detached', timeout: TIMEOUT });
    if (await candidate.count()) break;
    await searcher.waitForTimeout(500);  // the hub indexes the publication moments after the report
  }
  await candidate.waitFor({ timeout: TIMEOUT });
  const row = await candidate.textContent();
  if (!row.includes('valid')) failures.push(`the owner's signature is not shown valid: ${row}`);
  if (!row.includes('KEN-NFB')) failures.push(`the candidate does not name its owner: ${row}`);
  await shot(searcher, 's2-searcher-candidates');

  const responder = await signedIn(browser, env('OWNER_URL'), env('RESPONDER_TOKEN'), 'responder', failures);
  await responder.locator('#nav').getByRole('link', { name: 'Lost & stolen' }).click();
  const hit = responder.locator('tr', { hasText: 'NFB-2026-0117' });
  await hit.getByRole('button', { name: 'Confirm' }).waitFor({ timeout: TIMEOUT });
  await shot(responder, 's3-owner-hit');
  await hit.getByRole('button', { name: 'Confirm' }).click();
  await responder.locator('#status').filter({ hasText: 'confirmed' }).waitFor({ timeout: TIMEOUT });

  await candidate.locator('td', { hasText: 'confirmed' }).waitFor({ timeout: TIMEOUT });
  await shot(searcher, 's4-searcher-confirmed');

  // The searcher traces the weapon with the owner state, then exports the case's proof: on a
  // federation with a signed directory the case page offers it and the file is saved.
  const filed = await searcher.evaluate(async (token) => {
    const res = await fetch('/v1/traces', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ recipient: 'KEN-NFB', priority: 'routine', grounds: 'national_law',
        weapon: { serial: 'GLK482913', manufacturer: 'Glock', type: 'pistol' } }),
    });
    return res.json();
  }, env('SEARCH_TOKEN'));
  await searcher.goto(`${env('SEARCH_URL')}/console/#/case/${filed.case_id}`);
  const exportButton = searcher.getByRole('button', { name: 'Export proof' });
  await exportButton.waitFor({ timeout: TIMEOUT });
  const [download] = await Promise.all([searcher.waitForEvent('download', { timeout: TIMEOUT }), exportButton.click()]);
  if (download.suggestedFilename() !== `proof-${filed.case_id}.json`) failures.push(`proof saved as ${download.suggestedFilename()}`);
  await searcher.locator('#status').filter({ hasText: 'Proof of this case saved' }).waitFor({ timeout: TIMEOUT });
  await shot(searcher, 's5-searcher-proof-exported');
});
