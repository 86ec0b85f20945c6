/**
 * `/prod-access who` (approvers: every live grant) and `/prod-access history` (your own last requests), answered
 * ephemerally from Temporal's visibility and the grants' `status` query, over HTTP on the real stack.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AccessRequest } from '../../src/domain/grant';
import { startAccessRequest } from '../../src/requests';
import { searchAttributes, statusQuery } from '../../src/workflows/definitions';
import { visibleText } from '../support/fakeSlack';
import { eventually, records, testSigner } from '../support/keycard';
import {
  APPROVER,
  APPROVER_CHANNEL,
  GROUP_APPROVER,
  newRequester,
  OUTSIDER,
  startSlackStand,
  type SlackStand,
} from '../support/slackStand';
import { stand } from '../support/stand';

describe('Slack: /prod-access who and /prod-access history', function () {
  let s: SlackStand;

  before(async () => {
    s = await startSlackStand(stand().devServer.env);
  });
  after(async () => {
    await s?.stop();
  });

  /** Sends the command and returns what the requester sees: the ephemeral answer sent to the response URL. */
  async function ask(
    userId: string,
    text: string,
  ): Promise<{ text: string; sections: string[]; body: Record<string, unknown> }> {
    const { response: ack, triggerId } = await s.slash(userId, text);
    assert.equal(ack.status, 200);
    const response = await eventually(
      async () => s.slack.responses.find((candidate) => candidate.id === triggerId),
      (found) => found !== undefined,
    );
    const body = response?.body as Record<string, unknown>;
    assert.equal(body.response_type, 'ephemeral');
    const blocks = (body.blocks ?? []) as { text?: { text?: string } }[];
    return {
      body,
      text: visibleText({ text: String(body.text), blocks: blocks as never }),
      sections: blocks.map((block) => block.text?.text ?? ''),
    };
  }

  /** A grant approved up front (as an operator starts one), active once Identity Center confirms it. */
  async function activeGrant(requester: { slackUserId: string; email: string; principalId: string }, reason: string) {
    const { seed } = stand();
    const request: AccessRequest = {
      requestId: randomUUID(),
      requester: { slackUserId: requester.slackUserId, email: requester.email },
      reason,
      target: { accountId: seed.accountId, permissionSetArn: seed.permissionSetArn },
      duration: '1h',
      approvedBy: APPROVER,
      principalId: requester.principalId,
      requestedAt: new Date().toISOString(),
    };
    const handle = await startAccessRequest(
      stand().devServer.env.client,
      s.worker.taskQueue,
      request,
      testSigner(stand().devServer.env),
    );
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    // Visibility (search attributes) follows the workflow a moment later.
    await eventually(
      async () => (await handle.describe()).typedSearchAttributes.get(searchAttributes.state),
      (state) => state === 'active',
    );
    return handle;
  }

  it('an approver sees every live grant: who, target, why, approved by whom, until when; user text escaped', async () => {
    const requester = await newRequester(s.slack);
    const handle = await activeGrant(requester, 'incident 42 <!channel> @here <https://evil.example|click>');
    const status = await handle.query(statusQuery);

    const answer = await eventually(
      () => ask(APPROVER, 'who'),
      (found) => found.text.includes(requester.email),
    );
    const line = answer.sections.find((section) => section.includes(requester.email)) ?? '';
    assert.match(line, new RegExp(`<@${requester.slackUserId}> \\(${requester.email.replace(/\./g, '\\.')}\\)`));
    assert.match(line, new RegExp(`${status.target.permissionSetArn.split('/').pop()} @ ${status.target.accountId}`));
    assert.match(line, /until (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC/);
    assert.match(line, new RegExp(`approved by <@${APPROVER}>`));
    assert.match(line, /incident 42 &lt;!channel&gt; @\u2060here &lt;https:\/\/evil\.example\|click&gt;/);
    assert.doesNotMatch(JSON.stringify(answer.body), /<!channel>|(?<!\u2060)@here|<https:\/\/evil/);
    assert.match(String(answer.body.text), /live production access grant/);

    // A member of an approver user group may ask too.
    const byGroup = await ask(GROUP_APPROVER, ' WHO ');
    assert.ok(byGroup.text.includes(requester.email));
    await handle.signal('revoke', { by: 'ops', reason: 'test done' });
    await handle.result();
  });

  it('anyone else is told who may ask, sees no grants, and starts no request', async () => {
    const requester = await newRequester(s.slack);
    const handle = await activeGrant(requester, 'looking at the queue');
    const answer = await ask(OUTSIDER, 'who');
    assert.match(answer.text, /Only Keycard approvers can see who holds production access/);
    assert.ok(!answer.text.includes(requester.email));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(
      !s.slack.messagesIn(APPROVER_CHANNEL).some((message) => visibleText(message).includes(`<@${OUTSIDER}>`)),
      '"who" is not a reason: nothing was requested',
    );
    await handle.signal('revoke', { by: 'ops', reason: 'test done' });
    await handle.result();
  });

  it('history shows the requester their own last grants, newest first, with how each ended', async () => {
    const requester = await newRequester(s.slack);
    const someoneElse = await newRequester(s.slack);
    const first = await activeGrant(requester, 'first: reading the billing logs');
    await first.signal('revoke', { by: requester.slackUserId, reason: 'done' });
    await first.result();
    const second = await activeGrant(requester, 'second: rotating the keys');
    const other = await activeGrant(someoneElse, 'not yours to see');

    const answer = await eventually(
      () => ask(requester.slackUserId, 'history'),
      (found) => found.text.includes('first: reading') && found.text.includes('second: rotating'),
    );
    assert.match(answer.text, /Your last 2 production access requests/);
    const sections = answer.sections;
    const [newest, oldest] = [
      sections.findIndex((text) => text.includes('second: rotating')),
      sections.findIndex((text) => text.includes('first: reading')),
    ];
    assert.ok(newest < oldest, 'newest first');
    assert.match(sections[newest], /active until (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC/);
    assert.match(sections[newest], new RegExp(`granted .* by <@${APPROVER}>`));
    assert.match(sections[oldest], /ended at (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC/);
    assert.ok(!answer.text.includes('not yours to see'));

    const nothing = await ask(OUTSIDER, 'history');
    assert.match(nothing.text, /You have not asked for production access through Keycard yet/);
    for (const handle of [second, other]) {
      await handle.signal('revoke', { by: 'ops', reason: 'test done' });
      await handle.result();
    }
  });

  it('every event the grant workflows of this run wrote is in one audit chain that verifies', async () => {
    const result = await (await records()).chain.verify();
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.ok(result.count >= 12, `${result.count} events`);
  });
});
