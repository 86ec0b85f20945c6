/**
 * Bad and hostile input, one row each: what the person is told, and that nothing was started or changed.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { parseDuration } from '../../src/domain/duration';
import { grantWorkflowId } from '../../src/domain/grant';
import { requestIdFor } from '../../src/slack/app';
import { ACTIONS, DENY_MODAL } from '../../src/views';
import { statusQuery } from '../../src/workflows/definitions';
import { buttonValue, visibleText, type StoredMessage } from '../support/fakeSlack';
import { eventually, isAssignedInMoto, records } from '../support/keycard';
import { blockActionPayload, interactionBody, postSigned, sign, slashCommandBody } from '../support/slackRequests';
import {
  APPROVER,
  APPROVER_CHANNEL,
  GROUP_APPROVER,
  newRequester,
  OUTSIDER,
  SIGNING_SECRET,
  startSlackStand,
  type SlackStand,
} from '../support/slackStand';
import { stand, createIdentityStoreUser } from '../support/stand';

/** What the person saw: the HTTP status and every text Keycard sent them for this interaction. */
interface Answer {
  status: number;
  texts: string[];
}

describe('bad and hostile input changes nothing', function () {
  let s: SlackStand;
  const client = () => stand().devServer.env.client;

  before(async () => {
    s = await startSlackStand(stand().devServer.env);
    await createIdentityStoreUser('approver@example.com');
  });
  after(async () => {
    await s?.stop();
  });

  /** The ack text, then what arrived on the response_url within a short settle time. */
  async function answerTo(
    response: { status: number; body: string },
    responseId: string,
    expectFollowUp: boolean,
    on: SlackStand = s,
  ): Promise<Answer> {
    const texts: string[] = [];
    if (response.status === 200 && response.body) {
      const ack = JSON.parse(response.body) as { text?: string };
      if (ack.text) texts.push(ack.text);
    }
    if (expectFollowUp) {
      await eventually(
        async () => on.slack.responses.filter((r) => r.id === responseId),
        (found) => found.length > 0,
      );
    }
    texts.push(...on.slack.responses.filter((r) => r.id === responseId).map((r) => String(r.body.text)));
    return { status: response.status, texts };
  }

  async function notStarted(triggerId: string): Promise<void> {
    const workflowId = grantWorkflowId(requestIdFor('T0TEST', triggerId));
    await assert.rejects(client().workflow.getHandle(workflowId).describe(), WorkflowNotFoundError);
  }

  /** A live pending request (by a fresh requester unless one is given), and its approval message. */
  async function pendingRequest({
    requesterId,
    reason = 'checking the queue backlog',
    on = s,
  }: { requesterId?: string; reason?: string; on?: SlackStand } = {}) {
    const requester = requesterId ? { slackUserId: requesterId } : await newRequester(on.slack);
    const { triggerId } = await on.slash(requester.slackUserId, reason);
    const workflowId = grantWorkflowId(requestIdFor('T0TEST', triggerId));
    const message = (await eventually(
      async () => on.slack.messagesIn(APPROVER_CHANNEL).find((m) => buttonValue(m, ACTIONS.approve) === workflowId),
      (found) => found !== undefined,
    )) as StoredMessage;
    return { workflowId, message, requester };
  }

  /** The same, approved in Slack and active in Identity Center. */
  async function activeRequest() {
    const pending = await pendingRequest();
    await s.click(APPROVER, ACTIONS.approve, pending.workflowId);
    const status = await eventually(
      () => client().workflow.getHandle(pending.workflowId).query(statusQuery),
      (current) => current.state === 'active',
    );
    return { ...pending, principalId: status.principalId as string };
  }

  async function snapshot(workflowId: string) {
    const status = await client().workflow.getHandle(workflowId).query(statusQuery);
    return { state: status.state, history: status.history.length };
  }

  /** Runs a decision click and checks the clicker was refused with `expected` and the request did not change. */
  async function refusedDecision(workflowId: string, user: string, actionId: string, expected: RegExp) {
    const before = await snapshot(workflowId);
    const { response, responseId } = await s.click(user, actionId, workflowId);
    const answer = await answerTo(response, responseId, true);
    assert.equal(answer.status, 200);
    assert.match(answer.texts.join('\n'), expected);
    assert.deepEqual(await snapshot(workflowId), before, 'no state changed');
  }

  /**
   * Runs a Deny the way Slack delivers it (the button opens the reason modal, the modal is submitted with a reason)
   * and checks the modal shows `expected` and the request did not change.
   */
  async function refusedDenial(workflowId: string, user: string, expected: RegExp) {
    const before = await snapshot(workflowId);
    const opened = s.slack.callsOf('views.open').length;
    const { response } = await s.click(user, ACTIONS.deny, workflowId);
    assert.equal(response.status, 200);
    const modal = await eventually(
      async () => s.slack.callsOf('views.open').slice(opened),
      (calls) => calls.length > 0,
    );
    const sent = modal[0].params.view;
    const view = (typeof sent === 'string' ? JSON.parse(sent) : sent) as {
      callback_id: string;
      private_metadata: string;
    };
    assert.deepEqual([view.callback_id, view.private_metadata], [DENY_MODAL.callbackId, workflowId]);
    const submitted = await s.submit(user, DENY_MODAL.callbackId, workflowId, {
      [DENY_MODAL.block]: { [DENY_MODAL.action]: 'too risky today' },
    });
    assert.equal(submitted.status, 200);
    const answer = JSON.parse(submitted.body) as { response_action?: string; errors?: Record<string, string> };
    assert.equal(answer.response_action, 'errors', 'the modal stays open with the refusal');
    assert.match(answer.errors?.[DENY_MODAL.block] ?? '', expected);
    assert.deepEqual(await snapshot(workflowId), before, 'no state changed');
  }

  const slashRows: {
    name: string;
    user?: string;
    text: string;
    sign?: 'forged' | 'stale' | 'missing';
    status: number;
    answer?: RegExp;
    followUp?: boolean;
  }[] = [
    { name: 'a forged signature', text: 'legit reason', sign: 'forged', status: 401 },
    { name: 'a timestamp older than 5 minutes', text: 'legit reason', sign: 'stale', status: 401 },
    { name: 'no signature at all', text: 'legit reason', sign: 'missing', status: 401 },
    { name: 'an empty reason', text: '', status: 200, answer: /Include a reason/ },
    { name: 'a reason of only spaces', text: '    ', status: 200, answer: /Include a reason/ },
    {
      name: 'a reason over 500 characters',
      text: 'x'.repeat(501),
      status: 200,
      answer: /Keep the reason to 500 characters \(yours has 501\)/,
    },
    { name: 'an unknown duration', text: '2x fix prod', status: 200, answer: /"2x" is not a duration/ },
    {
      name: 'a duration that rounds to 0 ms',
      text: '0.0001s x',
      status: 200,
      answer: /"0\.0001s" is shorter than the 1s Keycard grants at least/,
    },
    {
      name: 'a duration under 1s',
      text: '999ms x',
      status: 200,
      answer: /"999ms" is shorter than the 1s Keycard grants at least/,
    },
    {
      name: 'a duration over the maximum',
      text: '9h fix prod',
      status: 200,
      answer: /9h is longer than the 8h Keycard grants at most/,
    },
    { name: 'a duration and no reason', text: '2h', status: 200, answer: /Include a reason after the duration/ },
    {
      name: 'an unknown Slack user',
      user: 'U0NOBODY',
      text: 'fix prod',
      status: 200,
      answer: /Slack does not know your user/,
      followUp: true,
    },
    {
      name: 'a user with no Identity Center account',
      user: OUTSIDER,
      text: 'fix prod',
      status: 200,
      answer: /matches no user in AWS IAM Identity Center/,
      followUp: true,
    },
    { name: 'a bot user', user: 'U0BOT', text: 'fix prod', status: 200, answer: /active people only/, followUp: true },
    {
      name: 'a user without a readable email',
      user: 'U0NOEMAIL',
      text: 'fix prod',
      status: 200,
      answer: /cannot read your email/,
      followUp: true,
    },
  ];

  for (const row of slashRows) {
    it(`slash command with ${row.name}: ${row.answer ?? `HTTP ${row.status}`}, nothing started`, async () => {
      s.slack.addUser({ id: 'U0BOT', email: 'bot@example.com', is_bot: true });
      s.slack.addUser({ id: 'U0NOEMAIL' });
      const triggerId = randomUUID();
      const body = slashCommandBody({
        user_id: row.user ?? APPROVER,
        text: row.text,
        trigger_id: triggerId,
        response_url: s.slack.responseUrl(triggerId),
      });
      const now = Math.floor(Date.now() / 1000);
      const response =
        row.sign === 'missing'
          ? await fetch(s.eventsUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body,
            }).then(async (r) => ({ status: r.status, body: await r.text() }))
          : await postSigned(s.eventsUrl, body, {
              secret: SIGNING_SECRET,
              ...(row.sign === 'forged' ? { signature: sign('not-the-secret', now, body) } : {}),
              ...(row.sign === 'stale' ? { timestamp: now - 6 * 60 } : {}),
            });
      const answer = await answerTo(response, triggerId, Boolean(row.followUp));
      assert.equal(answer.status, row.status);
      if (row.answer) assert.match(answer.texts.join('\n'), row.answer);
      await notStarted(triggerId);
    });
  }

  it('a malformed interaction payload: refused, nothing changed', async () => {
    const response = await postSigned(s.eventsUrl, 'payload=%7Bnot-json', { secret: SIGNING_SECRET });
    assert.notEqual(response.status, 200);
  });

  it('a forged signature on an Approve click: 401, the request stays pending', async () => {
    const { workflowId } = await pendingRequest();
    const body = interactionBody(
      blockActionPayload({
        user: APPROVER,
        actionId: ACTIONS.approve,
        value: workflowId,
        responseUrl: s.slack.responseUrl('x'),
      }),
    );
    const response = await postSigned(s.eventsUrl, body, { secret: 'wrong-secret-wrong-secret' });
    assert.equal(response.status, 401);
    assert.equal((await snapshot(workflowId)).state, 'pending');
  });

  it('mention and channel-ping injection in the reason is shown as text, never as a ping, mention or link', async () => {
    const hostile =
      '<!channel> <!here> @here @channel <@U0APPROVER> <#C0GENERAL> <https://evil.example|click me> & more';
    const { workflowId, message } = await pendingRequest({ reason: hostile });
    const shown = visibleText(message) + message.text;
    for (const forbidden of [
      '<!channel>',
      '<!here>',
      '<@U0APPROVER>',
      '<#C0GENERAL>',
      '<https://evil',
      '@here',
      '@channel',
    ]) {
      assert.ok(!shown.includes(forbidden), `${forbidden} must not reach Slack as markup: ${shown}`);
    }
    assert.match(shown, /&lt;!channel&gt;/);
    assert.match(shown, /&amp; more/);
    const section = message.blocks[0] as { text: { verbatim: boolean } };
    assert.equal(section.text.verbatim, true, 'Slack does not auto-link the text');
    const status = await client().workflow.getHandle(workflowId).query(statusQuery);
    assert.equal(status.reason, hostile, 'the record keeps exactly what was typed');
  });

  it('an approval by a non-approver is refused and changes nothing', async () => {
    const { workflowId } = await pendingRequest();
    await refusedDecision(workflowId, OUTSIDER, ACTIONS.approve, /Only Keycard approvers can approve/);
  });

  it('an approval by the requester, even an approver, is refused and changes nothing', async () => {
    const { workflowId } = await pendingRequest({ requesterId: APPROVER });
    await refusedDecision(workflowId, APPROVER, ACTIONS.approve, /You cannot decide your own request/);
  });

  it('an approval or a denial on a decided request is refused and changes nothing', async () => {
    const { workflowId, requester } = await activeRequest();
    await refusedDecision(workflowId, GROUP_APPROVER, ACTIONS.approve, /no longer pending/);
    await refusedDenial(workflowId, GROUP_APPROVER, /no longer pending/);
    await s.click(requester.slackUserId, ACTIONS.revoke, workflowId);
  });

  describe('with a request timeout of seconds', function () {
    // Its own stand, so no other row races a short timeout: only this one waits for a request to go unanswered.
    let short: SlackStand;
    before(async () => {
      short = await startSlackStand(stand().devServer.env, { REQUEST_TIMEOUT: parseDuration('3s') });
    });
    after(async () => {
      await short?.stop();
    });

    it('an approval on an expired request is refused; the message and the requester say it expired', async () => {
      const { workflowId, message, requester } = await pendingRequest({ on: short });
      // Hang guards only: the expiry's punctuality is measured by the bench, not here.
      await eventually(
        () => snapshot(workflowId),
        (current) => current.state === 'expired',
        { timeoutMs: 90_000 },
      );
      await eventually(
        async () => visibleText(message),
        (text) => text.includes('Expired unanswered'),
      );
      await eventually(
        async () => short.slack.messagesIn(`D${requester.slackUserId}`).map(visibleText),
        (dms) => dms.some((dm) => dm.includes('expired: no approver answered in time')),
      );
      assert.equal(buttonValue(message, ACTIONS.approve), undefined, 'the buttons are gone');
      const { response, responseId } = await short.click(APPROVER, ACTIONS.approve, workflowId);
      const answer = await answerTo(response, responseId, true, short);
      assert.match(answer.texts.join('\n'), /no longer pending: expired/);
    });
  });

  it('a retried slash command (same trigger, x-slack-retry-num) starts exactly one workflow', async () => {
    const requester = await newRequester(s.slack);
    const triggerId = randomUUID();
    await Promise.all([
      s.slash(requester.slackUserId, 'retry me', { triggerId }),
      s.slash(requester.slackUserId, 'retry me', { triggerId, retryNum: 1 }),
      s.slash(requester.slackUserId, 'retry me', { triggerId, retryNum: 2 }),
    ]);
    const workflowId = grantWorkflowId(requestIdFor('T0TEST', triggerId));
    await eventually(
      async () => s.slack.messagesIn(APPROVER_CHANNEL).filter((m) => buttonValue(m, ACTIONS.approve) === workflowId),
      (found) => found.length === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const messages = s.slack
      .messagesIn(APPROVER_CHANNEL)
      .filter((m) => visibleText(m).includes(`<@${requester.slackUserId}>`));
    assert.equal(messages.length, 1, 'one approval message');
    const runs = await client().workflow.getHandle(workflowId).describe();
    assert.equal(runs.status.name, 'RUNNING');
  });

  it('a double-click and two approvers at once give exactly one decision and one assignment', async () => {
    const { workflowId, requester } = await pendingRequest();
    const clicks = await Promise.all([
      s.click(APPROVER, ACTIONS.approve, workflowId),
      s.click(APPROVER, ACTIONS.approve, workflowId),
      s.click(GROUP_APPROVER, ACTIONS.approve, workflowId),
    ]);
    assert.ok(clicks.every((c) => c.response.status === 200));
    await eventually(
      () => snapshot(workflowId),
      (current) => current.state === 'active',
    );
    const requestId = workflowId.replace('prod-access-', '');
    const events = await (await records()).events(requestId);
    assert.equal(events.filter((event) => event.type === 'approved').length, 1);
    const refusals = await eventually(
      async () => clicks.flatMap((c) => s.slack.responses.filter((r) => r.id === c.responseId)),
      (found) => found.length === 2,
    );
    assert.ok(refusals.every((r) => /no longer pending/.test(String(r.body.text))));
    const { principalId } = await client().workflow.getHandle(workflowId).query(statusQuery);
    assert.equal(await isAssignedInMoto(principalId as string), true);
    await s.click(requester.slackUserId, ACTIONS.revoke, workflowId);
  });

  it('a deny without a reason is refused in the modal and changes nothing', async () => {
    const { workflowId } = await pendingRequest();
    const before = await snapshot(workflowId);
    const response = await s.submit(APPROVER, DENY_MODAL.callbackId, workflowId, {
      [DENY_MODAL.block]: { [DENY_MODAL.action]: '   ' },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body), {
      response_action: 'errors',
      errors: { [DENY_MODAL.block]: 'Say why you deny the request.' },
    });
    assert.deepEqual(await snapshot(workflowId), before);
  });

  it('a tampered button value is refused without touching any workflow', async () => {
    const { workflowId } = await pendingRequest();
    const before = await snapshot(workflowId);
    for (const value of ['../../etc/passwd', `${workflowId} OR 1=1`, '{"$ne":null}', 'prod-access-lookup-abc']) {
      const { response, responseId } = await s.click(APPROVER, ACTIONS.approve, value);
      const answer = await answerTo(response, responseId, true);
      assert.match(answer.texts.join('\n'), /does not belong to a Keycard request/);
    }
    assert.deepEqual(await snapshot(workflowId), before);
  });

  it('an Approve for a request that does not exist is answered, nothing started', async () => {
    const { response, responseId } = await s.click(APPROVER, ACTIONS.approve, 'prod-access-0123456789abcdef01234567');
    const answer = await answerTo(response, responseId, true);
    assert.match(answer.texts.join('\n'), /no longer exists/);
  });

  it('a Revoke now by someone who is neither the requester nor an approver is refused; access stays', async () => {
    const { workflowId, principalId } = await activeRequest();
    const { response, responseId } = await s.click(OUTSIDER, ACTIONS.revoke, workflowId);
    const answer = await answerTo(response, responseId, true);
    assert.match(answer.texts.join('\n'), /Only the requester or an approver can revoke/);
    assert.equal((await snapshot(workflowId)).state, 'active');
    assert.equal(await isAssignedInMoto(principalId), true);
    await s.click(APPROVER, ACTIONS.revoke, workflowId);
    await eventually(
      () => isAssignedInMoto(principalId),
      (assigned) => !assigned,
    );
  });
});
