/**
 * *Revoke now* from Slack in every state of a request. Ending access is always safe, so, like the `revoke` signal,
 * it is taken while access exists or may still come to exist, and refused only once the request has ended.
 */
import assert from 'node:assert/strict';
import type { Revocation } from '../../src/domain/grant';
import { ACTIONS, DENY_MODAL } from '../../src/views';
import { denyUpdate, statusQuery } from '../../src/workflows/definitions';
import { withStatus } from '../support/awsFaultProxy';
import { eventually, isAssignedInMoto, sendUpdate } from '../support/keycard';
import { APPROVER, OUTSIDER, startSlackStand, type SlackStand } from '../support/slackStand';
import { stand } from '../support/stand';

describe('Revoke now from Slack, whatever the request is doing', function () {
  let s: SlackStand;
  const client = () => stand().devServer.env.client;
  const status = (workflowId: string) => client().workflow.getHandle(workflowId).query(statusQuery);

  before(async () => {
    s = await startSlackStand(stand().devServer.env);
  });
  after(async () => {
    await s?.stop();
  });

  const pendingRequest = () => s.pendingRequest('checking the replica lag');

  /** The `revoke` signals the workflow received, from its history. */
  async function revokeSignals(workflowId: string): Promise<Revocation[]> {
    const history = await client().workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? [])
      .map((event) => event.workflowExecutionSignaledEventAttributes)
      .filter((signaled) => signaled?.signalName === 'revoke')
      .map((signaled) => JSON.parse(Buffer.from(signaled?.input?.payloads?.[0]?.data ?? []).toString('utf8')));
  }

  it('a Revoke now while the grant is being made is taken: the assignment goes as soon as it is confirmed', async () => {
    const { aws } = stand();
    const { workflowId, requester } = await pendingRequest();
    // Identity Center makes the assignment but keeps answering IN_PROGRESS: the workflow is still granting.
    let confirming = false;
    aws.inject('CreateAccountAssignment', 1, withStatus('AccountAssignmentCreationStatus', 'IN_PROGRESS'));
    aws.inject('DescribeAccountAssignmentCreationStatus', 100_000, (call, forward) =>
      confirming ? forward() : withStatus('AccountAssignmentCreationStatus', 'IN_PROGRESS')(call, forward),
    );
    try {
      await s.click(APPROVER, ACTIONS.approve, workflowId);
      await eventually(
        () => isAssignedInMoto(requester.principalId),
        (assigned) => assigned,
      );
      const granting = await status(workflowId);
      assert.equal(granting.state, 'pending');
      assert.equal(granting.approvedBy, APPROVER);

      const { responseId } = await s.click(requester.slackUserId, ACTIONS.revoke, workflowId);
      const signals = await eventually(
        () => revokeSignals(workflowId),
        (found) => found.length > 0,
      );
      assert.deepEqual(signals, [{ by: requester.slackUserId, reason: 'revoked from Slack' }]);
      assert.deepEqual(s.answersTo(responseId), [], 'the click was not refused');

      confirming = true;
      await eventually(
        () => isAssignedInMoto(requester.principalId),
        (assigned) => !assigned,
      );
      const ended = await eventually(
        () => status(workflowId),
        (current) => current.state === 'revoked',
      );
      assert.equal(ended.revokedBy, requester.slackUserId);
      assert.equal(ended.revokeReason, 'revoked from Slack');
    } finally {
      confirming = true;
      aws.clearFaults();
    }
  });

  it('a Revoke now on a request still waiting for an approver is taken and reaches the workflow as a revoke', async () => {
    const { workflowId, requester } = await pendingRequest();
    const { responseId } = await s.click(requester.slackUserId, ACTIONS.revoke, workflowId);
    const signals = await eventually(
      () => revokeSignals(workflowId),
      (found) => found.length > 0,
    );
    assert.deepEqual(signals, [{ by: requester.slackUserId, reason: 'revoked from Slack' }]);
    assert.deepEqual(s.answersTo(responseId), [], 'the click was not refused');
    // Nothing was granted; the request no longer needs a decision (if the workflow still waits for one, deny it).
    assert.equal(await isAssignedInMoto(requester.principalId), false);
    await sendUpdate(client().workflow.getHandle(workflowId), denyUpdate, {
      by: APPROVER,
      reason: 'test cleanup',
    }).catch(() => undefined);
  });

  it('a Revoke now by someone else on a waiting request is refused, and nothing reaches the workflow', async () => {
    const { workflowId } = await pendingRequest();
    const { responseId } = await s.click(OUTSIDER, ACTIONS.revoke, workflowId);
    const answers = await eventually(
      async () => s.answersTo(responseId),
      (found) => found.length > 0,
    );
    assert.match(answers.join('\n'), /Only the requester or an approver can revoke this access/);
    assert.deepEqual(await revokeSignals(workflowId), []);
    assert.equal((await status(workflowId)).state, 'pending');
    await sendUpdate(client().workflow.getHandle(workflowId), denyUpdate, { by: APPROVER, reason: 'test cleanup' });
  });

  it('a Revoke now on a denied request says it has already ended, and sends nothing', async () => {
    const { workflowId, requester } = await pendingRequest();
    const denied = await s.submit(APPROVER, DENY_MODAL.callbackId, workflowId, {
      [DENY_MODAL.block]: { [DENY_MODAL.action]: 'use the read replica' },
    });
    assert.equal(denied.status, 200);
    await eventually(
      () => status(workflowId),
      (current) => current.state === 'denied',
    );
    const { responseId } = await s.click(requester.slackUserId, ACTIONS.revoke, workflowId);
    const answers = await eventually(
      async () => s.answersTo(responseId),
      (found) => found.length > 0,
    );
    assert.match(
      answers.join('\n'),
      new RegExp(`already ended \\(Denied by <@${APPROVER}>: use the read replica\\); there is nothing left to revoke`),
    );
    assert.deepEqual(await revokeSignals(workflowId), []);
  });

  it('a second Revoke now after the access ended says so; the workflow got one revoke', async () => {
    const { workflowId, requester } = await pendingRequest();
    await s.click(APPROVER, ACTIONS.approve, workflowId);
    await eventually(
      () => status(workflowId),
      (current) => current.state === 'active',
    );
    await s.click(APPROVER, ACTIONS.revoke, workflowId);
    await eventually(
      () => status(workflowId),
      (current) => current.state === 'revoked',
    );
    assert.equal(await isAssignedInMoto(requester.principalId), false);
    const { responseId } = await s.click(requester.slackUserId, ACTIONS.revoke, workflowId);
    const answers = await eventually(
      async () => s.answersTo(responseId),
      (found) => found.length > 0,
    );
    assert.match(
      answers.join('\n'),
      new RegExp(`already ended \\(Revoked by <@${APPROVER}> at .+: revoked from Slack\\)`),
    );
    assert.deepEqual(await revokeSignals(workflowId), [{ by: APPROVER, reason: 'revoked from Slack' }]);
  });
});
