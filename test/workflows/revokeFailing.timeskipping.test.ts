/**
 * A revoke that Identity Center refuses for a day, on the time-skipping server: the workflow keeps trying every few
 * seconds, its alerts back off to one per 15 minutes and never stop, its history stays small, and the assignment goes
 * as soon as Identity Center takes the deletion again.
 */
import assert from 'node:assert/strict';
import { grantWorkflowId, type GrantStatus } from '../../src/domain/grant';
import { startAccessRequest } from '../../src/requests';
import { statusQuery } from '../../src/workflows/definitions';
import { MAX_REVOKE_WINDOW_MS } from '../../src/workflows/grant/revokePace';
import { awsError } from '../support/awsFaultProxy';
import {
  assignInMoto,
  CHECKOUT_ACCOUNT,
  continuedTwoAccountRevoke,
  eventually,
  forCatalogTarget,
  isAssignedInMoto,
  newRequest,
  records,
  startWorker,
  type TestWorker,
  testSigner,
  twoAccountTarget,
} from '../support/keycard';
import { stand } from '../support/stand';

const HOUR = 3_600_000;

describe('a revoke that fails for a day, through time skipping', function () {
  let worker: TestWorker;

  before(async () => {
    worker = await startWorker(stand().timeSkipping);
  });
  after(async () => {
    stand().aws.clearFaults();
    await worker?.stop();
  });

  it('keeps its history under 5,000 events, alerts at most once per 15 minutes after the first hour, and revokes once Identity Center recovers', async function () {
    this.timeout(600_000);
    const { timeSkipping, aws } = stand();
    const { request, userId } = await newRequest({ duration: '1h' });
    const handle = await startAccessRequest(timeSkipping.client, worker.taskQueue, request, testSigner(timeSkipping));
    const active = await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    aws.inject(
      'DeleteAccountAssignment',
      Number.POSITIVE_INFINITY,
      awsError(400, 'AccessDeniedException', 'injected: the worker lost sso:DeleteAccountAssignment'),
    );

    // The expiry, then 24 hours of refusals. The test watches the server's clock (and the grant) while the result is
    // awaited, and lets Identity Center recover once a day of workflow time has passed. It does not use env.sleep:
    // the time-skipping server can stall in a long sleep while activities retry (temporalio/sdk-java#2670, #3092).
    const failFor = 24 * HOUR;
    const recoverAt = Date.parse(active.expiresAt as string) + failFor;
    const result = handle.result();
    let recoveredAt = 0;
    let during: GrantStatus | undefined;
    while (recoveredAt === 0) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const status = await handle.query(statusQuery);
      if ((await timeSkipping.currentTimeMs()) < recoverAt) continue;
      during = status;
      assert.equal(await isAssignedInMoto(userId), true, 'the assignment is still in place after a day of refusals');
      recoveredAt = await timeSkipping.currentTimeMs();
      aws.clearFaults();
    }
    assert.equal(during?.state, 'active', 'the workflow says the access is still in place');
    assert.ok(during?.revokeFailing, 'the status says the revoke is failing');

    const final = await result;
    assert.equal(final.state, 'revoked');
    assert.equal(final.revokedBy, 'keycard');
    assert.equal(await isAssignedInMoto(userId), false);
    const revokedAfterRecovery = Date.parse(final.revokedAt as string) - recoveredAt;
    assert.ok(
      revokedAfterRecovery <= 90_000,
      `revoked ${revokedAfterRecovery} ms of workflow time after Identity Center recovered (retries are a minute apart)`,
    );

    const { events } = await handle.fetchHistory();
    const eventCount = events?.length ?? 0;
    assert.ok(eventCount > 0 && eventCount < 5_000, `the history has ${eventCount} events`);
    assert.ok(!(events ?? []).some((event) => event.workflowTaskFailedEventAttributes), 'no workflow task failed');

    const audit = await (await records()).events(request.requestId);
    const failing = audit.filter((event) => event.type === 'revoke_failing');
    const alerts = worker.log.errors().filter((line) => line.alert === true && line.requestId === request.requestId);
    assert.equal(alerts.length, failing.length, 'one alert per round that closed with access in place');
    assert.ok(failing.length >= (failFor / HOUR) * 4 - 4, `alerts never stopped: ${failing.length} rounds`);
    const expiry = Date.parse(active.expiresAt as string);
    const afterFirstHour = failing.map((event) => event.at.getTime()).filter((at) => at > expiry + HOUR);
    for (let i = 1; i < afterFirstHour.length; i++) {
      const gap = afterFirstHour[i] - afterFirstHour[i - 1];
      assert.ok(
        gap >= MAX_REVOKE_WINDOW_MS - 1_000,
        `alerts ${i - 1} and ${i} after the first hour are ${gap} ms apart`,
      );
    }
    assert.deepEqual(
      audit.map((event) => event.type).filter((type) => type !== 'revoke_failing'),
      ['requested', 'granted', 'revoked'],
    );
    assert.deepEqual(
      audit.map((event) => event.seq),
      audit.map((_, index) => index + 1),
      'the audit has every event once, in order',
    );
  });

  it('of a two-account grant: the account that takes the deletion goes at once, the refusing one is retried for hours, then both are gone', async function () {
    this.timeout(600_000);
    const { timeSkipping, aws } = stand();
    const { catalogTarget, targets } = twoAccountTarget();
    const { request, userId } = await newRequest({ ...forCatalogTarget(catalogTarget), duration: '1h' });
    const handle = await startAccessRequest(timeSkipping.client, worker.taskQueue, request, testSigner(timeSkipping));
    const active = await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    const refused = awsError(400, 'AccessDeniedException', 'injected: the worker lost access to the checkout account');
    aws.inject('DeleteAccountAssignment', Number.POSITIVE_INFINITY, (call, forward) =>
      call.input.TargetId === CHECKOUT_ACCOUNT ? refused(call, forward) : forward(),
    );
    const recoverAt = Date.parse(active.expiresAt as string) + 3 * HOUR;
    const result = handle.result();
    while ((await timeSkipping.currentTimeMs()) < recoverAt) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    assert.deepEqual(
      await Promise.all(targets.map((target) => isAssignedInMoto(userId, target))),
      [false, true],
      'the payments account went at the first round; the checkout account is still assigned',
    );
    const during = await handle.query(statusQuery);
    assert.equal(during.state, 'active');
    assert.match(during.revokeFailing?.lastError ?? '', /^checkout-prod \(444455556666\): AccessDeniedError: /);
    aws.clearFaults();

    const final = await result;
    assert.equal(final.state, 'revoked');
    assert.equal(final.ending, 'expired');
    assert.deepEqual(await Promise.all(targets.map((target) => isAssignedInMoto(userId, target))), [false, false]);
    const payments = aws
      .callsOf('DeleteAccountAssignment')
      .filter((call) => call.input.PrincipalId === userId && call.input.TargetId === targets[0].accountId);
    assert.equal(payments.length, 1, 'the payments account was asked once, not again each round');
    const revoked = (await (await records()).events(request.requestId)).find((event) => event.type === 'revoked');
    assert.deepEqual(Object.keys(revoked?.details?.accounts as object), [targets[0].accountId, CHECKOUT_ACCOUNT]);
  });

  it('a run continued from a long failing two-account revoke asks only for what is left, and keeps the receipts of what went', async () => {
    const { timeSkipping } = stand();
    const { catalogTarget, targets } = twoAccountTarget();
    const { request, userId } = await newRequest({ ...forCatalogTarget(catalogTarget), duration: '1h' });
    // Where the earlier run stood when it continued as new: payments removed, checkout still assigned.
    await assignInMoto(targets[1], userId);
    const at = new Date(await timeSkipping.currentTimeMs()).toISOString();
    const continuedRevoke = continuedTwoAccountRevoke(request, userId, targets, at);
    // Ending access needs no proof: a continued revoke starts as the earlier run left it.
    const handle = await timeSkipping.client.workflow.start('prodAccess', {
      taskQueue: worker.taskQueue,
      workflowId: grantWorkflowId(request.requestId),
      args: [{ ...request, continuedRevoke }],
    });
    const final = await handle.result();
    assert.equal(final.state, 'revoked');
    assert.equal(final.ending, 'expired');
    assert.equal(await isAssignedInMoto(userId, targets[1]), false);
    const asked = stand()
      .aws.callsOf('DeleteAccountAssignment')
      .filter((call) => call.input.PrincipalId === userId)
      .map((call) => call.input.TargetId);
    assert.deepEqual(asked, [CHECKOUT_ACCOUNT], 'only what was left was asked for');
    const revoked = await eventually(
      async () => (await (await records()).events(request.requestId)).find((event) => event.type === 'revoked'),
      (found) => found !== undefined,
    );
    assert.equal(revoked?.seq, 43, 'the audit sequence goes on from the earlier run');
    const accounts = revoked?.details?.accounts as Record<string, { deletionRequestId: string | null }>;
    assert.deepEqual(Object.keys(accounts), [targets[0].accountId, CHECKOUT_ACCOUNT]);
    assert.equal(accounts[targets[0].accountId].deletionRequestId, 'earlier-request');
  });
});
