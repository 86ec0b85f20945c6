/** A second /prod-access from someone who already holds or awaits the same access starts nothing new. */
import assert from 'node:assert/strict';
import { ACTIONS } from '../../src/views';
import { statusQuery } from '../../src/workflows/definitions';
import { buttonValue, visibleText, type StoredMessage } from '../support/fakeSlack';
import { eventually } from '../support/keycard';
import { APPROVER, APPROVER_CHANNEL, newRequester, startSlackStand, type SlackStand } from '../support/slackStand';
import { stand } from '../support/stand';

describe('a second request for access one already holds or awaits', function () {
  let s: SlackStand;
  const client = () => stand().devServer.env.client;

  before(async () => {
    s = await startSlackStand(stand().devServer.env);
  });
  after(async () => {
    await s?.stop();
  });

  async function slash(userId: string, text: string) {
    const { triggerId } = await s.slash(userId, text);
    const reply = await eventually(
      async () => s.answersTo(triggerId),
      (texts) => texts.length > 0,
    );
    return { triggerId, reply: reply.join('\n'), workflowId: s.workflowIdOf(triggerId) };
  }

  /** Temporal's visibility is eventually consistent: wait until the grant is listed in `state`. */
  async function listedAs(workflowId: string, state: string): Promise<void> {
    await eventually(
      async () => {
        const found: string[] = [];
        for await (const w of client().workflow.list({
          query: `WorkflowId="${workflowId}" AND ProdAccessState="${state}"`,
        })) {
          found.push(w.workflowId);
        }
        return found;
      },
      (found) => found.length === 1,
    );
  }

  async function requestsOf(userId: string): Promise<StoredMessage[]> {
    return s.slack
      .messagesIn(APPROVER_CHANNEL)
      .filter((m) => visibleText(m).includes(`requests production access`) && visibleText(m).includes(`<@${userId}>`));
  }

  it('while one is pending: the requester is told so, and nothing new is started', async () => {
    const requester = await newRequester(s.slack);
    const first = await slash(requester.slackUserId, 'first ask');
    await eventually(
      () => requestsOf(requester.slackUserId),
      (found) => found.length === 1,
    );
    await listedAs(first.workflowId, 'pending');
    const second = await slash(requester.slackUserId, 'second ask');
    assert.match(second.reply, /already have a request for production access waiting/);
    await s.assertNotStarted(second.triggerId);
    assert.equal((await requestsOf(requester.slackUserId)).length, 1);
    await client().workflow.getHandle(first.workflowId).cancel();
  });

  it('while one is active: the new request becomes an extension request of the live grant', async () => {
    const requester = await newRequester(s.slack);
    const first = await slash(requester.slackUserId, 'debug the outage');
    const approval = (await eventually(
      async () => (await requestsOf(requester.slackUserId))[0],
      (found) => found !== undefined,
    )) as StoredMessage;
    await s.click(APPROVER, ACTIONS.approve, buttonValue(approval, ACTIONS.approve) as string);
    const handle = client().workflow.getHandle(first.workflowId);
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    await listedAs(first.workflowId, 'active');
    const second = await slash(requester.slackUserId, '2h the outage is not over');
    assert.match(
      second.reply,
      /already have production access; your request went to the approvers .* as an extension of 2h/,
    );
    await s.assertNotStarted(second.triggerId);
    const status = await handle.query(statusQuery);
    assert.equal(status.pendingExtension?.duration, '2h');
    assert.equal(status.pendingExtension?.reason, 'the outage is not over');
    await eventually(
      async () => s.slack.messagesIn(APPROVER_CHANNEL).filter((m) => visibleText(m).includes('asks to extend')),
      (found) => found.some((m) => buttonValue(m, ACTIONS.approve) === first.workflowId),
    );
    assert.equal((await requestsOf(requester.slackUserId)).length, 1, 'no second access request');
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
  });
});
