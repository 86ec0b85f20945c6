/**
 * Warnings, extensions and leases on the time-skipping server: hours pass in seconds.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ListAccountAssignmentsCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { ACTIONS } from '../../src/views';
import { startAccessRequest } from '../../src/requests';
import { approveUpdate, extendUpdate, statusQuery } from '../../src/workflows/definitions';
import { buttonValue, FakeSlack, visibleText } from '../support/fakeSlack';
import {
  eventually,
  isAssignedInMoto,
  newRequest,
  newSlackRequest,
  records,
  startWorker,
  type TestWorker,
  testSigner,
  sendUpdate,
} from '../support/keycard';
import { APPROVER, APPROVER_CHANNEL } from '../support/slackStand';
import { awsClientConfig, stand } from '../support/stand';

const HOUR = 3_600_000;

/** An update the workflow refused, with the refusal people would see. */
async function refused(update: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(update, (error: Error & { cause?: Error }) => {
    assert.match(error.cause?.message ?? '', message);
    return true;
  });
}

async function assignmentCount(principalId: string): Promise<number> {
  const { motoUrl, seed } = stand();
  const { AccountAssignments } = await new SSOAdminClient(awsClientConfig(motoUrl)).send(
    new ListAccountAssignmentsCommand({
      InstanceArn: seed.instanceArn,
      AccountId: seed.accountId,
      PermissionSetArn: seed.permissionSetArn,
    }),
  );
  return (AccountAssignments ?? []).filter((assignment) => assignment.PrincipalId === principalId).length;
}

describe('warning, extension and leases, through time skipping', function () {
  let slack: FakeSlack;
  let worker: TestWorker;

  before(async () => {
    slack = new FakeSlack();
    await slack.start();
    worker = await startWorker(stand().timeSkipping, { slackApiUrl: slack.apiUrl });
  });
  after(async () => {
    await worker?.stop();
    await slack?.stop();
  });

  it('warns the requester 15 minutes before the end; an approved extension moves the expiry; then access ends', async () => {
    const env = stand().timeSkipping;
    const requesterId = `U0REQ${randomUUID().slice(0, 6).toUpperCase()}`;
    const base = await newSlackRequest({ duration: '4h' });
    const request = { ...base.request, requester: { ...base.request.requester, slackUserId: requesterId } };
    const principal = base.userId;
    const handle = await startAccessRequest(env.client, worker.taskQueue, request, testSigner(env));
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.approvers !== undefined,
    );
    await sendUpdate(handle, approveUpdate, { by: APPROVER }, env);
    const active = await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    const firstExpiry = Date.parse(active.expiresAt as string);
    const dms = () => slack.messagesIn(`D${requesterId}`);

    await env.sleep(4 * HOUR - 16 * 60_000);
    assert.ok(!dms().some((m) => visibleText(m).includes('Your prod access ends at')), 'no warning before T-15m');
    await env.sleep(2 * 60_000);
    const warning = await eventually(
      async () => dms().find((m) => visibleText(m).includes('Your prod access ends at')),
      (found) => found !== undefined,
    );
    assert.equal(buttonValue(warning!, ACTIONS.requestExtension), handle.workflowId);

    const asked = await sendUpdate(
      handle,
      extendUpdate,
      { by: requesterId, duration: '1h', reason: 'incident still open' },
      env,
    );
    assert.equal(asked.outcome, 'requested');
    const extensionMessage = await eventually(
      async () =>
        slack.messagesIn(APPROVER_CHANNEL).find((m) => visibleText(m).includes('asks to extend production access')),
      (found) => found !== undefined,
    );
    assert.match(visibleText(extensionMessage!), /incident still open/);
    assert.equal(buttonValue(extensionMessage!, ACTIONS.approve), handle.workflowId);
    await refused(sendUpdate(handle, approveUpdate, { by: requesterId }, env), /cannot decide your own request/);
    await sendUpdate(handle, approveUpdate, { by: APPROVER }, env);
    const extended = await handle.query(statusQuery);
    assert.equal(Date.parse(extended.expiresAt as string), firstExpiry + HOUR);
    await eventually(
      async () => visibleText(extensionMessage!),
      (text) => text.includes(`Extended by <@${APPROVER}>`),
    );

    await env.sleep(30 * 60_000); // past the first expiry
    assert.equal((await handle.query(statusQuery)).state, 'active', 'still active after the old expiry');
    assert.equal(await isAssignedInMoto(principal), true);

    const final = await handle.result();
    assert.equal(final.state, 'revoked');
    assert.equal(final.revokeReason, 'expired');
    assert.equal(final.ending, 'expired', 'an extended grant still ends at its (new) expiry');
    assert.ok(Date.parse(final.revokedAt as string) >= firstExpiry + HOUR, 'revoked at the new expiry, not before');
    assert.equal(await isAssignedInMoto(principal), false);
    const grant = await (await records()).grant(request.requestId);
    assert.deepEqual(grant?.expiresAt, new Date(firstExpiry + HOUR));
    const events = (await (await records()).events(request.requestId)).map((event) => event.type);
    assert.deepEqual(events, ['requested', 'approved', 'granted', 'extension_requested', 'extended', 'revoked']);
  });

  it('an extension beyond the maximum total duration is refused and changes nothing', async () => {
    const env = stand().timeSkipping;
    const { request } = await newRequest({ duration: '8h', limits: { maxTotalDuration: '12h' } });
    const handle = await startAccessRequest(env.client, worker.taskQueue, request, testSigner(env));
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    await refused(
      sendUpdate(handle, extendUpdate, { by: 'ops', duration: '5h', reason: 'long incident' }, env),
      /would make this grant last 13h; the most is 12h/,
    );
    await refused(
      sendUpdate(handle, extendUpdate, { by: request.requester.email, duration: '1h', reason: 'more' }, env),
      /cannot extend your own access/,
    );
    await refused(
      sendUpdate(handle, extendUpdate, { by: 'ops', duration: 'soon', reason: 'x' }, env),
      /"soon" is not a duration/,
    );
    const moved = await sendUpdate(handle, extendUpdate, { by: 'ops', duration: '4h', reason: 'long incident' }, env);
    assert.equal(moved.outcome, 'extended');
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await handle.result();
  });

  it('two overlapping grants share one assignment, revoked once, at the later expiry', async () => {
    const env = stand().timeSkipping;
    const { aws } = stand();
    const first = await newRequest({ duration: '1h' });
    const principal = first.userId;
    const second = {
      ...first.request,
      requestId: randomUUID(),
      duration: '3h',
    };
    const firstHandle = await startAccessRequest(env.client, worker.taskQueue, first.request, testSigner(env));
    await eventually(
      () => firstHandle.query(statusQuery),
      (status) => status.state === 'active',
    );
    const secondHandle = await startAccessRequest(env.client, worker.taskQueue, second, testSigner(env));
    const secondActive = await eventually(
      () => secondHandle.query(statusQuery),
      (status) => status.state === 'active',
    );
    assert.equal(await assignmentCount(principal), 1, 'one assignment for both leases');

    const firstFinal = await firstHandle.result();
    assert.equal(firstFinal.state, 'revoked');
    assert.equal(firstFinal.ending, 'handed_over');
    assert.match(firstFinal.revokeReason ?? '', new RegExp(`access continues under ${secondHandle.workflowId}`));
    assert.equal(await isAssignedInMoto(principal), true, 'the later lease keeps the access');

    const secondFinal = await secondHandle.result();
    assert.equal(secondFinal.state, 'revoked');
    assert.ok(Date.parse(secondFinal.revokedAt as string) >= Date.parse(secondActive.expiresAt as string));
    assert.equal(await isAssignedInMoto(principal), false);
    const deletions = aws.callsOf('DeleteAccountAssignment').filter((call) => call.input.PrincipalId === principal);
    assert.equal(deletions.length, 1, 'revoked once');
  });
});
