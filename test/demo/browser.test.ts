/**
 * The demo in a real headless Chromium, as a visitor uses it: Alice asks with `/prod-access`, Carol approves in the
 * approvers' channel, Identity Center shows the assignment and Alice's DM says until when, Alice revokes from the
 * DM and the assignment is gone. The screenshots it takes are the ones the README shows.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { startDemo, type RunningDemo } from '../../src/demo';
import { PROJECT_ROOT } from '../support/processes';

/** Hang guards only: the waits end as soon as the page shows what they wait for. */
const SHOWN = { timeout: 60_000 };

describe('the demo workspace in a browser', function () {
  let demo: RunningDemo | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    this.timeout(180_000);
    demo = await startDemo();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 760 } });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    // Nothing outside the demo's own address may be fetched.
    await page.route('**/*', (route) =>
      new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort(),
    );
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const become = (name: string) => page.locator('[data-person]', { hasText: name }).click();
  const pane = () => page.locator('#pane');

  it('requests, approves, shows the grant in Identity Center and the DM, and revokes from the DM', async function () {
    this.timeout(180_000);
    await page.goto(demo!.url);
    await page.locator('#banner', { hasText: 'no real access' }).waitFor(SHOWN);
    await page.locator('[data-person]').first().waitFor(SHOWN); // the first /api/state has arrived
    assert.equal(await page.locator('#temporal-link').getAttribute('href'), demo!.temporalUiUrl);

    await become('Alice');
    await page.locator('#command').fill('/prod-access debugging the checkout');
    await page.locator('#command').press('Enter');
    const request = pane().locator('.message', { hasText: 'requests production access' });
    await request.filter({ hasText: 'debugging the checkout' }).waitFor(SHOWN);
    await page.locator('#ephemerals .message').first().waitFor(SHOWN);
    await page.screenshot({ path: path.join(PROJECT_ROOT, 'docs/demo-request.png') });

    await become('Carol');
    await request.getByRole('button', { name: 'Approve' }).click();
    await page.locator('#assignments .assignment').first().waitFor(SHOWN);
    assert.match(await page.locator('#assignments').innerText(), /production/);
    await pane().locator('.message', { hasText: 'access until' }).waitFor(SHOWN);

    await become('Alice');
    await page.locator('[data-pane="dm"]').click();
    const grantDm = pane().locator('.message', { hasText: 'You have production access' });
    await grantDm.filter({ hasText: /until (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC/ }).waitFor(SHOWN);
    await page.screenshot({ path: path.join(PROJECT_ROOT, 'docs/demo-approved.png') });

    await grantDm.getByRole('button', { name: 'Revoke now' }).click();
    await page.locator('#assignments .empty').waitFor(SHOWN);
    assert.equal(await page.locator('#assignments .assignment').count(), 0);
    await pane().locator('.message', { hasText: 'was revoked by' }).waitFor(SHOWN);

    await page.locator('[data-pane="home"]').click();
    await pane().getByText('You hold no production access right now.').waitFor(SHOWN);
    await page.screenshot({ path: path.join(PROJECT_ROOT, 'docs/demo-revoked.png') });
    assert.deepEqual(pageErrors, []);
  });
  it('denies through the modal: the reason typed in the page reaches the requester', async function () {
    this.timeout(120_000);
    await become('Alice');
    await page.locator('[data-pane^="channel:"]').click();
    await page.locator('#command').fill('/prod-access checking <b>the</b> queue');
    await page.locator('#command').press('Enter');
    const request = pane().locator('.message', { hasText: 'checking <b>the</b> queue' });
    await request.getByRole('button', { name: 'Deny' }).waitFor(SHOWN);

    await become('Carol');
    await request.getByRole('button', { name: 'Deny' }).click();
    const modal = page.locator('#modal');
    await modal.locator('.modal-title', { hasText: 'Deny access' }).waitFor(SHOWN);
    await modal.locator('textarea').fill('not during the freeze');
    await modal.getByRole('button', { name: 'Deny' }).click();
    await modal.waitFor({ state: 'detached', ...SHOWN });
    await request.filter({ hasText: 'Denied by @Carol: not during the freeze' }).waitFor(SHOWN);
    assert.equal(await page.locator('#pane b').count(), 0, 'typed HTML stays text');
    await become('Alice');
    await page.locator('[data-pane="dm"]').click();
    await pane()
      .locator('.message', { hasText: 'denied your request' })
      .filter({ hasText: 'not during the freeze' })
      .waitFor(SHOWN);
    assert.deepEqual(pageErrors, []);
  });

  it('asks through the request modal: /prod-access alone opens it, and what is typed there reaches the approvers', async function () {
    this.timeout(120_000);
    await become('Alice');
    await page.locator('[data-pane^="channel:"]').click();
    await page.locator('#command').fill('/prod-access');
    await page.locator('#command').press('Enter');
    const modal = page.locator('#modal');
    await modal.locator('.modal-title', { hasText: 'Request access' }).waitFor(SHOWN);
    assert.equal(await modal.locator('select').first().inputValue(), 'default', 'the one target is chosen');
    await modal.locator('textarea').fill('rotating the demo key');
    await modal.getByRole('button', { name: 'Ask approvers' }).click();
    await modal.waitFor({ state: 'detached', ...SHOWN });
    await pane()
      .locator('.message', { hasText: 'requests production access' })
      .filter({ hasText: 'rotating the demo key' })
      .waitFor(SHOWN);
    await page.locator('[data-pane="dm"]').click();
    await pane()
      .locator('.message', { hasText: 'is waiting for an approver' })
      .getByRole('button', { name: 'Cancel request' })
      .waitFor(SHOWN);
    assert.deepEqual(pageErrors, []);
  });
});
