/**
 * The grant lifecycle on the Temporal time-skipping server: hours of grant in seconds of wall time.
 */
import assert from 'node:assert/strict';
import { startAccessRequest } from '../../src/requests';
import { statusQuery } from '../../src/workflows/definitions';
import {
  awsError,
  failingCreation,
  internalError,
  lyingDeletion,
  throttle,
  withStatus,
} from '../support/awsFaultProxy';
import {
  eventually,
  isAssignedInMoto,
  newRequest,
  records,
  startWorker,
  type TestWorker,
  testSigner,
} from '../support/keycard';
import { stand } from '../support/stand';

/** A worker on the time-skipping server for the enclosing `describe`; faults injected by a test end with it. */
function workerOnTheTimeSkippingServer(): () => TestWorker {
  let worker: TestWorker | undefined;
  before(async () => {
    worker = await startWorker(stand().timeSkipping);
  });
  after(async () => {
    await worker?.stop();
  });
  afterEach(() => stand().aws.clearFaults());
  return () => {
    if (!worker) throw new Error('the worker is not started yet');
    return worker;
  };
}

describe('a grant on the time-skipping server', function () {
  const worker = workerOnTheTimeSkippingServer();

  it('a 4-hour grant is active in Identity Center, then revoked by keycard at its expiry', async () => {
    const { timeSkipping } = stand();
    const { request, userId } = await newRequest();
    const started = Date.now();
    const handle = await startAccessRequest(timeSkipping.client, worker().taskQueue, request, testSigner(timeSkipping));

    const active = await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    assert.equal(await isAssignedInMoto(userId), true, 'moto lists the assignment while the grant is active');
    assert.equal(Date.parse(active.expiresAt as string) - Date.parse(active.grantedAt as string), 4 * 3_600_000);

    const final = await handle.result();
    assert.equal(final.state, 'revoked');
    assert.equal(final.ending, 'expired');
    assert.ok(Date.now() - started < 60_000, 'four hours pass in seconds of wall time');
    assert.equal(await isAssignedInMoto(userId), false, 'moto no longer lists the assignment');

    const grantRecords = await records();
    const grant = await grantRecords.grant(request.requestId);
    assert.ok(grant);
    assert.equal(grant.state, 'revoked');
    assert.equal(grant.revokedBy, 'keycard');
    assert.equal(grant.revokeReason, 'expired');
    assert.equal(grant.principalId, userId);
    assert.ok(grant.revokedAt && grant.expiresAt && grant.revokedAt.getTime() >= grant.expiresAt.getTime());
    const events = await grantRecords.events(request.requestId);
    assert.deepEqual(
      events.map((event) => event.type),
      ['requested', 'granted', 'revoked'],
    );
    assert.equal(events[2].actor, 'keycard');
    assert.equal(events[2].reason, 'expired');
  });

  it('a revoke that Identity Center refuses for longer than a round raises one alert, keeps retrying, and ends revoked', async () => {
    const { timeSkipping, aws } = stand();
    const { request, userId } = await newRequest({ duration: '1h' });
    const handle = await startAccessRequest(timeSkipping.client, worker().taskQueue, request, testSigner(timeSkipping));
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    // The first round is a minute of retries at most 15 s apart: 10 refusals outlast it, the second round succeeds.
    aws.inject('DeleteAccountAssignment', 10, awsError(400, 'AccessDeniedException', 'injected: not authorized'));

    const final = await handle.result();
    assert.equal(final.state, 'revoked');
    assert.equal(await isAssignedInMoto(userId), false);
    const alerts = worker()
      .log.errors()
      .filter((line) => line.alert === true && line.requestId === request.requestId);
    assert.equal(alerts.length, 1, 'one alert for the one round that closed with access in place');
    assert.match(
      String(alerts[0].msg),
      /Revoke of prod-access-.* is failing \(round 1, since .*\): AccessDeniedError.*Access is still granted/,
    );
    const deletions = aws.callsOf('DeleteAccountAssignment').filter((call) => call.input.PrincipalId === userId);
    assert.deepEqual(
      deletions.map((call) => call.status),
      [...Array(10).fill(400), 200],
      'every refusal retried, none skipped',
    );
    const events = await (await records()).events(request.requestId);
    assert.deepEqual(
      events.map((event) => event.type),
      ['requested', 'granted', 'revoke_failing', 'revoked'],
    );
  });

  it('a requester with no Identity Center user is not granted anything, and the audit says why', async () => {
    const { timeSkipping, aws } = stand();
    const { request } = await newRequest({ requester: { slackUserId: 'UNOBODY', email: 'nobody@example.com' } });
    const before = aws.calls.length;
    const handle = await startAccessRequest(timeSkipping.client, worker().taskQueue, request, testSigner(timeSkipping));
    const final = await handle.result();
    assert.equal(final.state, 'failed');
    assert.equal(final.ending, 'failed');
    assert.match(final.failureReason ?? '', /No Identity Center user has the email nobody@example.com/);
    // Tests in this file run one after another, so every call since `before` is this request's.
    assert.deepEqual(
      aws.calls.slice(before).filter((call) => call.operation === 'CreateAccountAssignment'),
      [],
      'no assignment is asked for',
    );
    const events = await (await records()).events(request.requestId);
    assert.deepEqual(
      events.map((event) => event.type),
      ['requested', 'grant_failed'],
    );
  });

  it('throttling on the creation is retried until Identity Center accepts', async () => {
    const { timeSkipping, aws } = stand();
    const { request, userId } = await newRequest();
    aws.inject('CreateAccountAssignment', 3, throttle());
    const handle = await startAccessRequest(timeSkipping.client, worker().taskQueue, request, testSigner(timeSkipping));
    const active = await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    assert.equal(active.state, 'active');
    assert.equal(await isAssignedInMoto(userId), true);
    const creations = aws.callsOf('CreateAccountAssignment').filter((call) => call.input.PrincipalId === userId);
    assert.deepEqual(
      creations.map((call) => call.status),
      [400, 400, 400, 200],
    );
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    assert.equal((await handle.result()).state, 'revoked');
  });
});

describe('Identity Center faults, injected through the AWS proxy', function () {
  const worker = workerOnTheTimeSkippingServer();

  it('a creation IN_PROGRESS for 3 polls is waited for, then granted', async () => {
    const { timeSkipping, aws } = stand();
    const { request, userId } = await newRequest();
    aws.inject('CreateAccountAssignment', 1, withStatus('AccountAssignmentCreationStatus', 'IN_PROGRESS'));
    aws.inject(
      'DescribeAccountAssignmentCreationStatus',
      3,
      withStatus('AccountAssignmentCreationStatus', 'IN_PROGRESS'),
    );
    const handle = await startAccessRequest(timeSkipping.client, worker().taskQueue, request, testSigner(timeSkipping));
    const active = await eventually(
      () => handle.query(statusQuery),
      (status) => status.state !== 'pending',
    );
    assert.equal(active.state, 'active');
    assert.equal(await isAssignedInMoto(userId), true);
    const creation = aws.callsOf('CreateAccountAssignment').find((call) => call.input.PrincipalId === userId);
    assert.ok(creation);
    const forThisRequest = aws.callsOf('DescribeAccountAssignmentCreationStatus').slice(-4);
    assert.deepEqual(
      forThisRequest.map((call) => call.injected),
      [true, true, true, false],
      'three IN_PROGRESS answers, then the real SUCCEEDED',
    );
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    assert.equal((await handle.result()).state, 'revoked');
  });

  it('a creation that Identity Center reports FAILED ends failed, with no assignment, and the audit says why', async () => {
    const { timeSkipping, aws } = stand();
    const { request, userId } = await newRequest();
    failingCreation(aws, 'Received a 404 status error: permission set not provisioned');
    const handle = await startAccessRequest(timeSkipping.client, worker().taskQueue, request, testSigner(timeSkipping));
    const final = await handle.result();
    assert.equal(final.state, 'failed');
    assert.equal(final.ending, 'failed');
    const creations = aws.callsOf('CreateAccountAssignment').filter((call) => call.input.PrincipalId === userId);
    assert.deepEqual(
      creations.map((call) => [call.status, call.injected]),
      [[200, true]],
      'moto really made the assignment; only its status said FAILED',
    );
    const deletions = aws.callsOf('DeleteAccountAssignment').filter((call) => call.input.PrincipalId === userId);
    assert.ok(
      deletions.some((call) => call.status === 200 && !call.injected),
      'the half-made assignment is really deleted',
    );
    assert.equal(await isAssignedInMoto(userId), false);
    const grant = await (await records()).grant(request.requestId);
    assert.equal(grant?.state, 'failed');
    assert.match(grant?.failureReason ?? '', /FAILED.*permission set not provisioned/);
    const events = await (await records()).events(request.requestId);
    assert.deepEqual(
      events.map((event) => event.type),
      ['requested', 'grant_failed'],
    );
    assert.match(events[1].reason ?? '', /permission set not provisioned/);
  });

  it('a revoke that meets 5 consecutive 500s still ends revoked', async () => {
    const { timeSkipping, aws } = stand();
    const { request, userId } = await newRequest({ duration: '30m' });
    const handle = await startAccessRequest(timeSkipping.client, worker().taskQueue, request, testSigner(timeSkipping));
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    aws.inject('DeleteAccountAssignment', 5, internalError());
    const final = await handle.result();
    assert.equal(final.state, 'revoked');
    assert.equal(await isAssignedInMoto(userId), false);
    const deletions = aws.callsOf('DeleteAccountAssignment').filter((call) => call.input.PrincipalId === userId);
    assert.deepEqual(
      deletions.map((call) => call.status),
      [500, 500, 500, 500, 500, 200],
    );
  });

  it('a deletion reported SUCCEEDED while the assignment is still listed is retried, never reported revoked', async () => {
    const { timeSkipping, aws } = stand();
    const { request, userId } = await newRequest({ duration: '30m' });
    const handle = await startAccessRequest(timeSkipping.client, worker().taskQueue, request, testSigner(timeSkipping));
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    lyingDeletion(aws);
    const final = await handle.result();
    assert.equal(final.state, 'revoked');
    assert.equal(await isAssignedInMoto(userId), false);
    const deletions = aws.callsOf('DeleteAccountAssignment').filter((call) => call.input.PrincipalId === userId);
    assert.deepEqual(
      deletions.map((call) => call.injected),
      [true, false],
      'the lie is caught by re-listing, and the deletion is asked again',
    );
  });
});
