/**
 * End to end over HTTP on the real stack: Bolt + worker + Temporal dev server + FerretDB + moto + fake Slack.
 */
import assert from 'node:assert/strict';
import { ACTIONS, DENY_MODAL } from '../../src/views';
import { statusQuery } from '../../src/workflows/definitions';
import { buttonValue, visibleText, type StoredMessage } from '../support/fakeSlack';
import { eventually, isAssignedInMoto, records } from '../support/keycard';
import { appHomeOpenedBody, postSigned } from '../support/slackRequests';
import {
  APPROVER,
  APPROVER_CHANNEL,
  GROUP_APPROVER,
  newRequester,
  SIGNING_SECRET,
  startSlackStand,
  type SlackStand,
} from '../support/slackStand';
import { stand } from '../support/stand';

describe('the Slack front door, end to end over HTTP', function () {
  let s: SlackStand;

  before(async () => {
    s = await startSlackStand(stand().devServer.env);
  });
  after(async () => {
    await s?.stop();
  });

  async function approvalMessageFor(userId: string): Promise<StoredMessage> {
    return eventually(
      async () => s.slack.messagesIn(APPROVER_CHANNEL).find((message) => visibleText(message).includes(`<@${userId}>`)),
      (message) => message !== undefined,
    ) as Promise<StoredMessage>;
  }

  function dmsTo(userId: string): string[] {
    return s.slack.messagesIn(`D${userId}`).map(visibleText);
  }

  it('slash command → approval message → Approve → assignment → DM with expiry → Revoke now → gone, audited', async () => {
    const requester = await newRequester(s.slack);
    const { response: ack } = await s.slash(requester.slackUserId, '2h debugging the checkout 500s');
    assert.equal(ack.status, 200);
    assert.equal(ack.json().response_type, 'ephemeral');

    const approval = await approvalMessageFor(requester.slackUserId);
    const text = visibleText(approval);
    assert.match(text, /debugging the checkout 500s/);
    assert.match(text, /\*Duration\*\n2h/);
    assert.match(text, new RegExp(`\\*Requester\\*\\n<@${requester.slackUserId}> · ${requester.email}`));
    assert.match(text, new RegExp(`\\*Identity Center user\\*\\n${requester.email}`), 'the user moto names');
    assert.match(text, new RegExp(s.config.TARGET_ACCOUNT_ID as string));
    const workflowId = buttonValue(approval, ACTIONS.approve) as string;
    assert.match(workflowId, /^prod-access-[0-9a-f]{24}$/);
    assert.equal(buttonValue(approval, ACTIONS.deny), workflowId, 'the buttons carry the workflow id only');
    await eventually(
      async () => s.slack.responses.map((response) => String(response.body.text)),
      (texts) => texts.some((t) => t.includes('waiting for an approver')),
    );

    const approved = await s.click(GROUP_APPROVER, ACTIONS.approve, workflowId);
    assert.equal(approved.response.status, 200);
    await eventually(
      () => isAssignedInMoto(requester.principalId),
      (assigned) => assigned,
    );
    const granted = await eventually(
      async () => dmsTo(requester.slackUserId),
      (dms) => dms.some((dm) => /until (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC/.test(dm)),
    );
    assert.ok(granted.some((dm) => dm.includes(`<@${GROUP_APPROVER}> approved your request`)));
    await eventually(
      async () => visibleText(approval),
      (current) => current.includes(`Approved by <@${GROUP_APPROVER}> — access until`),
    );
    const grantDm = s.slack.messagesIn(`D${requester.slackUserId}`).find((m) => buttonValue(m, ACTIONS.revoke));
    assert.equal(buttonValue(grantDm as StoredMessage, ACTIONS.revoke), workflowId);

    // The App Home lists the live grant (from Temporal's visibility) with its own Revoke now.
    const home = await eventually(
      async () => {
        await postSigned(s.eventsUrl, appHomeOpenedBody(requester.slackUserId), {
          secret: SIGNING_SECRET,
          contentType: 'application/json',
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        const published = s.slack
          .callsOf('views.publish')
          .filter((call) => call.params.user_id === requester.slackUserId);
        return published.length ? JSON.parse(String(published.at(-1)?.params.view)) : undefined;
      },
      (view) => JSON.stringify(view ?? {}).includes(workflowId),
    );
    assert.match(JSON.stringify(home), /Active: /);

    const revoked = await s.click(requester.slackUserId, ACTIONS.revoke, workflowId);
    assert.equal(revoked.response.status, 200);
    await eventually(
      () => isAssignedInMoto(requester.principalId),
      (assigned) => !assigned,
    );
    await eventually(
      async () => visibleText(approval),
      (current) => current.includes(`Revoked by <@${requester.slackUserId}> at`),
    );
    await eventually(
      async () => dmsTo(requester.slackUserId),
      (dms) => dms.some((dm) => dm.includes('was revoked by')),
    );
    const requestId = workflowId.replace('prod-access-', '');
    const events = await eventually(
      async () => (await records()).events(requestId),
      (found) => found.length === 4,
    );
    assert.deepEqual(
      events.map((event) => [event.type, event.actor]),
      [
        ['requested', requester.email],
        ['approved', GROUP_APPROVER],
        ['granted', 'keycard'],
        ['revoked', requester.slackUserId],
      ],
    );
    const grant = await (await records()).grant(requestId);
    assert.equal(grant?.approver, GROUP_APPROVER);
    assert.equal(grant?.duration, '2h');
    assert.equal(grant?.state, 'revoked');
  });

  it('Deny asks for a reason in a modal; the message and the requester say who denied and why', async () => {
    const requester = await newRequester(s.slack);
    await s.slash(requester.slackUserId, 'look at the replica lag');
    const approval = await approvalMessageFor(requester.slackUserId);
    const workflowId = buttonValue(approval, ACTIONS.deny) as string;

    const opened = await s.click(APPROVER, ACTIONS.deny, workflowId);
    assert.equal(opened.response.status, 200);
    const modal = await eventually(
      async () => s.slack.callsOf('views.open').at(-1),
      (call) => call !== undefined,
    );
    const view = JSON.parse(String(modal?.params.view));
    assert.equal(view.private_metadata, workflowId);

    const submitted = await s.submit(APPROVER, DENY_MODAL.callbackId, workflowId, {
      [DENY_MODAL.block]: { [DENY_MODAL.action]: 'use the read replica' },
    });
    assert.equal(submitted.status, 200);
    await eventually(
      async () => visibleText(approval),
      (current) => current.includes(`Denied by <@${APPROVER}>: use the read replica`),
    );
    await eventually(
      async () => dmsTo(requester.slackUserId),
      (dms) =>
        dms.some((dm) => dm.includes(`<@${APPROVER}> denied your request`) && dm.includes('use the read replica')),
    );
    const status = await stand().devServer.env.client.workflow.getHandle(workflowId).query(statusQuery);
    assert.equal(status.state, 'denied');
    assert.equal(await isAssignedInMoto(requester.principalId), false);
  });

  it('a Slack outage while notifying neither blocks nor undoes the grant or the revoke; messages arrive later', async () => {
    const requester = await newRequester(s.slack);
    await s.slash(requester.slackUserId, 'rotate the leaked key');
    const approval = await approvalMessageFor(requester.slackUserId);
    const workflowId = buttonValue(approval, ACTIONS.approve) as string;
    // Temporal retries each message with backoff (2 s, 4 s, …): a few failures delay it by seconds.
    s.slack.fail('conversations.open', 2, 'http_500');
    s.slack.fail('chat.update', 1, 'ratelimited');
    await s.click(APPROVER, ACTIONS.approve, workflowId);
    await eventually(
      () => isAssignedInMoto(requester.principalId),
      (assigned) => assigned,
    );
    const handle = stand().devServer.env.client.workflow.getHandle(workflowId);
    // The state follows once the activity that made the assignment has reported back to the workflow.
    await eventually(
      async () => (await handle.query(statusQuery)).state,
      (state) => state === 'active',
    );
    s.slack.fail('chat.update', 1, 'http_500');
    s.slack.fail('conversations.open', 2, 'http_500');
    await handle.signal('revoke', { by: 'ops', reason: 'key rotated' });
    await eventually(
      () => isAssignedInMoto(requester.principalId),
      (assigned) => !assigned,
    );
    await eventually(
      async () => (await handle.query(statusQuery)).state,
      (state) => state === 'revoked',
    );
    await eventually(
      async () => visibleText(approval),
      (current) => current.includes('Revoked by ops at'),
      { timeoutMs: 90_000 },
    );
    await eventually(
      async () => dmsTo(requester.slackUserId),
      (dms) =>
        dms.some((dm) => dm.includes('was revoked by ops')) && dms.some((dm) => dm.includes('approved your request')),
      { timeoutMs: 90_000 },
    );
  });
});
