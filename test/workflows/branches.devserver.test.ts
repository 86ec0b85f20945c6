/**
 * The grant's less travelled branches, on the dev server with a fake Slack: an extension denied, asked twice, or
 * past the maximum; a request denied, unanswered, withdrawn or cancelled while it waits; a half-made assignment
 * cleaned up; approvers Slack cannot expand.
 */
import { CancelledFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import assert from 'node:assert/strict';
import type { AccessRequest } from '../../src/domain/grant';
import { startAccessRequest } from '../../src/requests';
import { approveUpdate, denyUpdate, extendUpdate, statusQuery } from '../../src/workflows/definitions';
import { failingCreation } from '../support/awsFaultProxy';
import {
  assignInMoto,
  eventually,
  isAssignedInMoto,
  unassignInMoto,
  newRequest,
  newSlackRequest,
  records,
  startWorker,
  testSigner,
  sendUpdate,
  workerWithSlackForBlock,
} from '../support/keycard';
import { APPROVER, APPROVER_CHANNEL } from '../support/slackStand';
import { stand } from '../support/stand';

const HOUR = 3_600_000;

/** An update the workflow refused: its failure type and the refusal people would see. */
async function refused(update: Promise<unknown>, type: string, message: RegExp): Promise<void> {
  await assert.rejects(update, (error: Error & { cause?: Error & { type?: string } }) => {
    assert.equal(error.cause?.type, type, error.cause?.message);
    assert.match(error.cause?.message ?? '', message);
    return true;
  });
}

describe('grant branches on the dev server', function () {
  const world = workerWithSlackForBlock();
  const client = () => stand().devServer.env.client;

  /** A request from Slack by a fresh requester, waiting for an approver (the approvers are known). */
  async function pendingRequest(overrides: Partial<AccessRequest> = {}) {
    const { request, userId } = await newSlackRequest(overrides);
    const handle = await startAccessRequest(client(), world.worker.taskQueue, request, testSigner());
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.approvers !== undefined,
    );
    return { request, requesterId: request.requester.slackUserId, principalId: userId, handle };
  }

  /** The same, approved and active in Identity Center. */
  async function activeGrant(overrides: Partial<AccessRequest> = {}) {
    const pending = await pendingRequest(overrides);
    await sendUpdate(pending.handle, approveUpdate, { by: APPROVER });
    const active = await eventually(
      () => pending.handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    assert.equal(await isAssignedInMoto(pending.principalId), true);
    return { ...pending, expiresAt: Date.parse(active.expiresAt as string) };
  }

  async function revokeAndEnd(handle: WorkflowHandle, principalId: string) {
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    assert.equal((await handle.result()).state, 'revoked');
    assert.equal(await isAssignedInMoto(principalId), false);
  }

  async function eventTypes(requestId: string): Promise<string[]> {
    return (await (await records()).events(requestId)).map((event) => event.type);
  }

  it('an extension the approver denies leaves the expiry where it was, and says who and why', async () => {
    const { request, requesterId, principalId, handle, expiresAt } = await activeGrant({ duration: '1h' });
    const asked = await sendUpdate(handle, extendUpdate, {
      by: requesterId,
      duration: '1h',
      reason: 'incident still open',
    });
    assert.equal(asked.outcome, 'requested');
    assert.equal((await handle.query(statusQuery)).pendingExtension?.duration, '1h');

    const answer = await sendUpdate(handle, denyUpdate, { by: APPROVER, reason: 'hand it to on-call' });
    assert.deepEqual(answer, { state: 'active', by: APPROVER });
    const after = await handle.query(statusQuery);
    assert.equal(after.state, 'active');
    assert.equal(after.pendingExtension, undefined);
    assert.equal(Date.parse(after.expiresAt as string), expiresAt, 'the expiry did not move');
    assert.equal(await isAssignedInMoto(principalId), true, 'access goes on until its own expiry');
    // Records are written beside the workflow, so the event may land a moment after the update returns.
    const denied = await eventually(
      async () =>
        (await (await records()).events(request.requestId)).find((event) => event.type === 'extension_denied'),
      (found) => found !== undefined,
    );
    assert.equal(denied?.actor, APPROVER);
    assert.equal(denied?.reason, 'hand it to on-call');
    await revokeAndEnd(handle, principalId);
    assert.deepEqual(await eventTypes(request.requestId), [
      'requested',
      'approved',
      'granted',
      'extension_requested',
      'extension_denied',
      'revoked',
    ]);
  });

  it('a second extension request while one waits is refused; the first stays as asked', async () => {
    const { request, requesterId, principalId, handle, expiresAt } = await activeGrant({ duration: '1h' });
    await sendUpdate(handle, extendUpdate, { by: requesterId, duration: '1h', reason: 'first ask' });
    await refused(
      sendUpdate(handle, extendUpdate, { by: requesterId, duration: '2h', reason: 'second ask' }),
      'AlreadyRequestedError',
      /already asked for an extension; it is waiting for an approver/,
    );
    const status = await handle.query(statusQuery);
    assert.deepEqual(
      [status.pendingExtension?.duration, status.pendingExtension?.reason],
      ['1h', 'first ask'],
      'the pending extension is the first one',
    );
    assert.equal(Date.parse(status.expiresAt as string), expiresAt);
    await sendUpdate(handle, approveUpdate, { by: APPROVER });
    assert.equal(Date.parse((await handle.query(statusQuery)).expiresAt as string), expiresAt + HOUR);
    await revokeAndEnd(handle, principalId);
    assert.equal((await eventTypes(request.requestId)).filter((type) => type === 'extension_requested').length, 1);
  });

  it('an extension past the maximum is refused when asked; one up to the maximum is granted', async () => {
    const limits = { maxTotalDuration: '4h' };
    const { requesterId, principalId, handle, expiresAt } = await activeGrant({ duration: '2h', limits });
    await refused(
      sendUpdate(handle, extendUpdate, { by: requesterId, duration: '3h', reason: 'long one' }),
      'MaxDurationExceededError',
      /would make this grant last 5h; the most is 4h/,
    );
    assert.equal((await handle.query(statusQuery)).pendingExtension, undefined, 'nothing is left waiting');

    // Exactly up to the maximum is allowed, asked and approved.
    await sendUpdate(handle, extendUpdate, { by: requesterId, duration: '2h', reason: 'up to the most' });
    await sendUpdate(handle, approveUpdate, { by: APPROVER });
    const status = await handle.query(statusQuery);
    assert.equal(Date.parse(status.expiresAt as string), expiresAt + 2 * HOUR);
    assert.equal(Date.parse(status.expiresAt as string) - Date.parse(status.grantedAt as string), 4 * HOUR);
    await revokeAndEnd(handle, principalId);
  });

  /** How many `operation` calls for this person reached the AWS proxy (it sees every call the worker makes). */
  function callsFor(operation: string, principalId: string): number {
    return stand()
      .aws.callsOf(operation)
      .filter((call) => call.input.PrincipalId === principalId).length;
  }

  it('a request the approver denies ends denied, says who and why, and nothing is assigned', async () => {
    const { request, principalId, handle } = await pendingRequest();
    const answer = await sendUpdate(handle, denyUpdate, { by: APPROVER, reason: 'not during the freeze' });
    assert.equal(answer.state, 'denied');
    assert.equal((await handle.result()).state, 'denied');
    const status = await handle.query(statusQuery);
    assert.deepEqual(
      [status.state, status.ending, status.deniedBy, status.denyReason],
      ['denied', 'denied', APPROVER, 'not during the freeze'],
    );
    assert.deepEqual(await eventTypes(request.requestId), ['requested', 'denied']);
    assert.equal(callsFor('CreateAccountAssignment', principalId), 0, 'no assignment was ever asked for');
    assert.equal(await isAssignedInMoto(principalId), false);
  });

  it('a request nobody answers within its request timeout ends expired, unanswered, and nothing is assigned', async () => {
    const { request, principalId, handle } = await pendingRequest({
      slack: { approverChannel: APPROVER_CHANNEL, approvers: [APPROVER], requestTimeout: '2s' },
    });
    assert.equal((await handle.result()).state, 'expired');
    const status = await handle.query(statusQuery);
    assert.deepEqual([status.state, status.ending], ['expired', 'unanswered']);
    const events = await (await records()).events(request.requestId);
    assert.deepEqual(
      events.map((event) => [event.type, event.actor, event.reason]),
      [
        ['requested', request.requester.email, request.reason],
        ['expired', 'keycard', 'no decision within 2s'],
      ],
    );
    assert.equal(callsFor('CreateAccountAssignment', principalId), 0, 'no assignment was ever asked for');
  });

  it('a request revoked while it waits for an approver is withdrawn: it ends revoked, and nothing is assigned', async () => {
    const { request, requesterId, principalId, handle } = await pendingRequest();
    await handle.signal('revoke', { by: requesterId, reason: 'fixed it myself' });
    assert.equal((await handle.result()).state, 'revoked');
    const status = await handle.query(statusQuery);
    assert.deepEqual(
      [status.state, status.ending, status.revokedBy, status.revokeReason],
      ['revoked', 'withdrawn', requesterId, 'fixed it myself'],
    );
    assert.deepEqual(await eventTypes(request.requestId), ['requested', 'revoked']);
    assert.equal(callsFor('CreateAccountAssignment', principalId), 0, 'no assignment was ever asked for');
    assert.equal(
      callsFor('DeleteAccountAssignment', principalId),
      0,
      'nothing to remove, so nothing was asked of Identity Center',
    );
  });

  it('a request cancelled while it waits for an approver ends denied by temporal; nothing is ever assigned', async () => {
    const { request, principalId, handle } = await pendingRequest();
    await handle.cancel();
    await assert.rejects(
      handle.result(),
      (error: Error) => error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure,
    );
    const status = await handle.query(statusQuery);
    assert.deepEqual(
      [status.state, status.ending, status.deniedBy, status.denyReason],
      ['denied', 'denied', 'temporal', 'workflow cancelled'],
    );
    assert.equal((await (await records()).grant(request.requestId))?.state, 'denied');
    const events = await (await records()).events(request.requestId);
    assert.deepEqual(
      events.map((event) => [event.type, event.actor, event.reason]),
      [
        ['requested', request.requester.email, request.reason],
        ['denied', 'temporal', 'workflow cancelled'],
      ],
    );
    assert.equal(await isAssignedInMoto(principalId), false);
    assert.equal(callsFor('CreateAccountAssignment', principalId), 0, 'no assignment was ever asked for');
  });

  it('a creation Identity Center half made and reported FAILED is cleaned up: the real assignment is deleted', async () => {
    const { aws } = stand();
    const { request, userId } = await newRequest();
    failingCreation(aws, 'Received a 404 status error: permission set not provisioned');
    try {
      const handle = await startAccessRequest(client(), world.worker.taskQueue, request, testSigner());
      const final = await handle.result();
      assert.equal(final.state, 'failed');
      assert.match(final.failureReason ?? '', /FAILED.*permission set not provisioned/);
    } finally {
      aws.clearFaults();
    }
    const ofUser = (operation: string) => aws.callsOf(operation).filter((call) => call.input.PrincipalId === userId);
    assert.deepEqual(
      ofUser('CreateAccountAssignment').map((call) => [call.injected, call.status]),
      [[true, 200]],
      'the creation reached moto (only its status was rewritten)',
    );
    assert.deepEqual(
      ofUser('DeleteAccountAssignment').map((call) => call.status),
      [200],
      'the cleanup deleted an assignment that existed (moto answers a missing one with ResourceNotFound)',
    );
    assert.equal(await isAssignedInMoto(userId), false);
  });

  it('approvers Slack cannot expand (an unknown user group) fail the request, and the audit says why', async () => {
    const { request, userId } = await newSlackRequest({
      slack: { approverChannel: APPROVER_CHANNEL, approvers: [APPROVER, 'S0NOSUCHGROUP'], requestTimeout: '1h' },
    });
    const handle = await startAccessRequest(client(), world.worker.taskQueue, request, testSigner());
    const final = await handle.result();
    assert.equal(final.state, 'failed');
    assert.match(final.failureReason ?? '', /could not read the approvers from Slack: .*no_such_subteam/);
    assert.ok(
      world.slack.callsOf('usergroups.users.list').some((call) => call.params.usergroup === 'S0NOSUCHGROUP'),
      'Slack was asked',
    );
    assert.equal(
      world.slack.messagesIn(APPROVER_CHANNEL).filter((m) => m.text.includes(request.requester.email)).length,
      0,
      'no approval message went out',
    );
    assert.deepEqual(await eventTypes(request.requestId), ['requested', 'grant_failed']);
    assert.equal(await isAssignedInMoto(userId), false);
  });

  it('a grant of a protected principal is never made, and the standing assignment it already holds stays', async () => {
    const { request, userId } = await newRequest({ duration: '1h' });
    // An emergency admin with standing access on the managed target, declared in PROTECTED_PRINCIPALS.
    await assignInMoto(request.target, userId);
    const guarded = await startWorker(stand().devServer.env, {
      protection: { principals: [userId], permissionSets: [] },
    });
    try {
      const handle = await startAccessRequest(client(), guarded.taskQueue, request, testSigner());
      const final = await handle.result();
      assert.equal(final.state, 'failed');
      assert.match(final.failureReason ?? '', new RegExp(`${userId} is listed in PROTECTED_PRINCIPALS`));
      assert.equal(await isAssignedInMoto(userId), true, 'the protected assignment is still there');
      assert.ok(
        guarded.log.lines.some((line) => String(line.msg).startsWith('left a protected assignment in place')),
        'the clean-up said why it removed nothing',
      );
    } finally {
      await guarded.stop();
      await unassignInMoto(request.target, userId);
    }
  });
});
