/**
 * Durations and reasons people type at the Slack edge are checked there, with the rules the workflow's validators
 * use: a refusal in words, before anything reaches a workflow, and the person can then ask normally.
 */
import assert from 'node:assert/strict';
import { MAX_REASON_LENGTH } from '../../src/domain/requestText';
import { ACTIONS, DENY_MODAL, EXTENSION_MODAL } from '../../src/views';
import { statusQuery } from '../../src/workflows/definitions';
import { buttonValue, visibleText, type StoredMessage } from '../support/fakeSlack';
import { eventually } from '../support/keycard';
import { APPROVER, APPROVER_CHANNEL, newRequester, startSlackStand, type SlackStand } from '../support/slackStand';
import { stand } from '../support/stand';

describe('durations and reasons refused at the Slack edge', function () {
  let s: SlackStand;
  const client = () => stand().devServer.env.client;

  before(async () => {
    s = await startSlackStand(stand().devServer.env);
  });
  after(async () => {
    await s?.stop();
  });

  async function snapshot(workflowId: string) {
    const status = await client().workflow.getHandle(workflowId).query(statusQuery);
    return { state: status.state, history: status.history.length, pendingExtension: status.pendingExtension };
  }

  it('after `/prod-access 0.0001s x` is refused, the same person asks normally and the approvers get it', async () => {
    const requester = await newRequester(s.slack);
    const refused = await s.slash(requester.slackUserId, '0.0001s x');
    assert.equal(refused.response.status, 200);
    assert.match(String(refused.response.json().text), /"0\.0001s" is shorter than the 1s Keycard grants at least/);
    await s.assertNotStarted(refused.triggerId);

    const { triggerId } = await s.slash(requester.slackUserId, '1h checking the replica lag');
    const workflowId = s.workflowIdOf(triggerId);
    const message = (await eventually(
      async () => s.slack.messagesIn(APPROVER_CHANNEL).find((m) => buttonValue(m, ACTIONS.approve) === workflowId),
      (found) => found !== undefined,
    )) as StoredMessage;
    assert.match(visibleText(message), new RegExp(`<@${requester.slackUserId}> requests production access`));
    assert.match(visibleText(message), /\*Duration\*\n1h/);
  });

  it(`a deny reason over ${MAX_REASON_LENGTH} characters is refused in the modal and changes nothing`, async () => {
    const { workflowId } = await s.pendingRequest();
    const before = await snapshot(workflowId);
    const response = await s.submit(APPROVER, DENY_MODAL.callbackId, workflowId, {
      [DENY_MODAL.block]: { [DENY_MODAL.action]: 'n'.repeat(MAX_REASON_LENGTH + 1) },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json(), {
      response_action: 'errors',
      errors: {
        [DENY_MODAL.block]: 'Keep the reason to 500 characters (yours has 501); link a ticket for the details.',
      },
    });
    assert.deepEqual(await snapshot(workflowId), before);
  });

  describe('the Request extension modal', function () {
    let workflowId: string;
    let requesterId: string;

    before(async () => {
      const pending = await s.pendingRequest();
      workflowId = pending.workflowId;
      requesterId = pending.requester.slackUserId;
      await s.click(APPROVER, ACTIONS.approve, workflowId);
      await eventually(
        () => snapshot(workflowId),
        (current) => current.state === 'active',
      );
    });
    after(async () => {
      if (workflowId) await client().workflow.getHandle(workflowId).signal('revoke', { by: 'test', reason: 'cleanup' });
    });

    function submitExtension(duration: string, reason: string) {
      return s.submit(requesterId, EXTENSION_MODAL.callbackId, workflowId, {
        [EXTENSION_MODAL.durationBlock]: { [EXTENSION_MODAL.durationAction]: duration },
        [EXTENSION_MODAL.reasonBlock]: { [EXTENSION_MODAL.reasonAction]: reason },
      });
    }

    const rows: { name: string; duration: string; reason: string; block: string; error: RegExp }[] = [
      {
        name: 'a duration that rounds to 0 ms',
        duration: '0.0001s',
        reason: 'incident still open',
        block: EXTENSION_MODAL.durationBlock,
        error: /^"0\.0001s" is shorter than the 1s Keycard grants at least/,
      },
      {
        name: 'a duration under 1s',
        duration: '999ms',
        reason: 'incident still open',
        block: EXTENSION_MODAL.durationBlock,
        error: /^"999ms" is shorter than the 1s/,
      },
      {
        name: 'no duration',
        duration: ' ',
        reason: 'incident still open',
        block: EXTENSION_MODAL.durationBlock,
        error: /^Write how long, like 30m or 2h/,
      },
      {
        name: 'a word for a duration',
        duration: 'soon',
        reason: 'incident still open',
        block: EXTENSION_MODAL.durationBlock,
        error: /^"soon" is not a duration Keycard understands/,
      },
      {
        name: 'a 10 kB duration',
        duration: '1'.repeat(10_000),
        reason: 'incident still open',
        block: EXTENSION_MODAL.durationBlock,
        error: /^"1{32}…" is not a duration/,
      },
      {
        name: 'more than MAX_TOTAL_GRANT_DURATION',
        duration: '13h',
        reason: 'incident still open',
        block: EXTENSION_MODAL.durationBlock,
        error: /^13h is longer than the 12h Keycard grants at most/,
      },
      {
        name: 'no reason',
        duration: '1h',
        reason: '   ',
        block: EXTENSION_MODAL.reasonBlock,
        error: /^Say why the access must last longer\.$/,
      },
      {
        name: `a reason over ${MAX_REASON_LENGTH} characters`,
        duration: '1h',
        reason: 'r'.repeat(10_000),
        block: EXTENSION_MODAL.reasonBlock,
        error: /^Keep the reason to 500 characters \(yours has 10000\)/,
      },
    ];
    for (const row of rows) {
      it(`${row.name} is refused in the modal, in words, and reaches no workflow`, async () => {
        const before = await snapshot(workflowId);
        const response = await submitExtension(row.duration, row.reason);
        assert.equal(response.status, 200);
        const answer = response.json() as { response_action?: string; errors?: Record<string, string> };
        assert.equal(answer.response_action, 'errors');
        assert.deepEqual(Object.keys(answer.errors ?? {}), [row.block]);
        assert.match(String(answer.errors?.[row.block]), row.error);
        assert.deepEqual(await snapshot(workflowId), before, 'nothing changed, no extension is pending');
        assert.equal(before.pendingExtension, undefined);
      });
    }

    it('after those refusals, a normal extension request goes to the approvers', async () => {
      const response = await submitExtension('1h', 'incident still open');
      assert.equal(response.status, 200);
      assert.equal(response.body, '', 'the modal closes');
      const current = await eventually(
        () => client().workflow.getHandle(workflowId).query(statusQuery),
        (status) => status.pendingExtension !== undefined,
      );
      assert.equal(current.pendingExtension?.duration, '1h');
      assert.equal(current.pendingExtension?.reason, 'incident still open');
      await eventually(
        async () => s.slack.messagesIn(APPROVER_CHANNEL).map(visibleText),
        (texts) => texts.some((text) => text.includes(`<@${requesterId}> asks to extend production access`)),
      );
    });
  });
});
