/**
 * Operators see live grants in the Temporal Web UI: a real headless Chromium opens the dev server's UI with the
 * README's live-grants filter. The screenshot it takes is the one the README shows.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/chromium';
import { startAccessRequest } from '../src/requests';
import { statusQuery } from '../src/workflows/definitions';
import { eventually, newRequest, startWorker, type TestWorker, testSigner } from './support/keycard';
import { PROJECT_ROOT } from './support/processes';
import { stand } from './support/stand';

/** The UI renders summaries and details as markdown in sandboxed frames: read the page and every frame. */
async function visibleTextOfAllFrames(page: Page): Promise<string> {
  const texts = await Promise.all(
    page.frames().map((frame) =>
      frame
        .locator('body')
        .innerText({ timeout: 2_000 })
        .catch(() => ''),
    ),
  );
  return texts.join('\n').replace(/\s+/g, ' ');
}

const LIVE_GRANTS = 'ProdAccessState="active"';

describe('live grants in the Temporal Web UI', function () {
  let browser: Browser;
  let page: Page;
  let worker: TestWorker;

  before(async () => {
    worker = await startWorker(stand().devServer.env);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 700 } });
  });
  after(async () => {
    await browser?.close();
    await worker?.stop();
  });

  const listUrl = () =>
    `${stand().devServer.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(LIVE_GRANTS)}`;

  /** Reloads the filtered list until `expect` holds: the UI reads Temporal's eventually consistent visibility. */
  async function liveGrantsPage(expect: (text: string) => boolean): Promise<string> {
    return eventually(
      async () => {
        await page.goto(listUrl(), { waitUntil: 'networkidle' });
        return page.locator('body').innerText();
      },
      expect,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }

  it('the live-grants filter shows the grant with its summary, and no longer once it is revoked', async () => {
    const { request } = await newRequest({ reason: 'investigating the payment retries' });
    const handle = await startAccessRequest(
      stand().devServer.env.client,
      worker.taskQueue,
      request,
      testSigner(stand().devServer.env),
    );
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    const workflowId = handle.workflowId;

    const listed = await liveGrantsPage((text) => text.includes(workflowId));
    assert.ok(listed.includes(workflowId), 'the grant is in the live-grants list');
    await page.screenshot({ path: path.join(PROJECT_ROOT, 'docs/web-ui-live-grants.png') });

    await page.goto(`${stand().devServer.uiUrl}/namespaces/default/workflows/${workflowId}`, {
      waitUntil: 'domcontentloaded',
    });
    const summary = `Prod access: ${request.requester.email} → ${request.target.permissionSetArn.split('/').pop()} @ ${request.target.accountId}`;
    // The UI shows the static summary and details, and the current details, under "User Metadata".
    await page.getByText('User Metadata', { exact: true }).first().click();
    const shown = await eventually(
      () => visibleTextOfAllFrames(page),
      (text) => text.includes(summary) && text.includes('investigating the payment retries'),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.match(shown, /Active until .* granted by U0APPROVER/);
    await page.screenshot({ path: path.join(PROJECT_ROOT, 'docs/web-ui-grant-details.png') });

    await handle.signal('revoke', { by: 'ops', reason: 'done' });
    await handle.result();
    const after = await liveGrantsPage((text) => !text.includes(workflowId));
    assert.ok(!after.includes(workflowId), 'a revoked grant is not listed as live');
  });
});
