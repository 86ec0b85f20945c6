/**
 * Grants of a catalog target (v4, `catalog-targets`) on the dev server, with moto behind the fault proxy: one
 * permission set in two accounts, assigned in both, rolled back when one fails, revoked from both; leases per
 * (person, account, permission set); approvers read from Slack when they click.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { AccessRequest, GrantStatus, RequestedTarget, Target } from '../../src/domain/grant';
import { startAccessRequest } from '../../src/requests';
import { approveUpdate, searchAttributes, statusQuery } from '../../src/workflows/definitions';
import { awsError } from '../support/awsFaultProxy';
import { FakeSlack } from '../support/fakeSlack';
import {
  CHECKOUT_ACCOUNT,
  eventually,
  forCatalogTarget,
  isAssignedInMoto,
  newRequest,
  newSlackRequest,
  records,
  sendUpdate,
  startWorker,
  testSigner,
  twoAccountTarget,
  type TestWorker,
} from '../support/keycard';
import { stand } from '../support/stand';

async function assignedIn(principalId: string, targets: Target[]): Promise<boolean[]> {
  return Promise.all(targets.map((target) => isAssignedInMoto(principalId, target)));
}

async function eventOf(requestId: string, type: string) {
  return eventually(
    async () => (await (await records()).events(requestId)).find((event) => event.type === type),
    (found) => found !== undefined,
  );
}

describe('a grant of a catalog target with two accounts', function () {
  let worker: TestWorker;
  const env = () => stand().devServer.env;

  before(async () => {
    worker = await startWorker(env());
  });
  after(async () => {
    stand().aws.clearFaults();
    await worker?.stop();
  });
  afterEach(() => stand().aws.clearFaults());

  async function start(request: AccessRequest): Promise<WorkflowHandle> {
    return startAccessRequest(env().client, worker.taskQueue, request, testSigner(env()));
  }

  const settled = (handle: WorkflowHandle) =>
    eventually(
      () => handle.query(statusQuery),
      (status: GrantStatus) => status.state !== 'pending',
    );

  it('is active only once both accounts are assigned, publishes its key, and a revoke removes both', async () => {
    const { catalogTarget, targets } = twoAccountTarget();
    const { request, userId } = await newRequest({ ...forCatalogTarget(catalogTarget), duration: '1h' });
    const handle = await start(request);
    const status = await settled(handle);
    assert.equal(status.state, 'active');
    assert.deepEqual(status.catalogTarget, catalogTarget);
    assert.deepEqual(await assignedIn(userId, targets), [true, true]);
    const attributes = (await handle.describe()).typedSearchAttributes;
    assert.equal(attributes.get(searchAttributes.target), 'prod-admin');

    const requested = await eventOf(request.requestId, 'requested');
    assert.deepEqual(requested?.details, {
      duration: '1h',
      targetKey: 'prod-admin',
      accounts: [targets[0].accountId, CHECKOUT_ACCOUNT],
      requesterRule: 'everyone',
      approvedBy: 'U0APPROVER',
    });
    const granted = await eventOf(request.requestId, 'granted');
    const creations = granted?.details?.creationRequestIds as Record<string, unknown>;
    assert.deepEqual(Object.keys(creations), [targets[0].accountId, CHECKOUT_ACCOUNT]);

    await handle.signal('revoke', { by: 'ops', reason: 'incident closed' });
    const final = await handle.result();
    assert.equal(final.state, 'revoked');
    assert.equal(final.ending, 'revoked');
    assert.deepEqual(await assignedIn(userId, targets), [false, false]);
    const revoked = await eventOf(request.requestId, 'revoked');
    const accounts = revoked?.details?.accounts as Record<string, { alreadyGone: boolean }>;
    assert.deepEqual(Object.keys(accounts), [targets[0].accountId, CHECKOUT_ACCOUNT]);
    assert.deepEqual(
      Object.values(accounts).map((account) => account.alreadyGone),
      [false, false],
    );
  });

  it('when the second account refuses, the first is removed again and the grant fails naming the account', async () => {
    const { catalogTarget, targets } = twoAccountTarget();
    const { request, userId } = await newRequest({ ...forCatalogTarget(catalogTarget), duration: '1h' });
    const refuseCheckout = awsError(400, 'AccessDeniedException', 'injected: no access to this account');
    // Every creation passes but the one in the checkout account.
    stand().aws.inject('CreateAccountAssignment', 2, (call, forward) =>
      call.input.TargetId === CHECKOUT_ACCOUNT ? refuseCheckout(call, forward) : forward(),
    );
    const handle = await start(request);
    const final = await handle.result();
    assert.equal(final.state, 'failed');
    assert.match(final.failureReason ?? '', /^grant failed in checkout-prod \(444455556666\): AccessDeniedError: /);
    assert.match(final.failureReason ?? '', /Keycard removed it from payments-prod \(123456789012\)$/);
    assert.deepEqual(await assignedIn(userId, targets), [false, false]);
    const failed = await eventOf(request.requestId, 'grant_failed');
    // The one clean-up removed both: the assignment made, and whatever the refused one might have half-made.
    assert.deepEqual(Object.keys(failed?.details?.accounts as object), [targets[0].accountId, CHECKOUT_ACCOUNT]);
  });

  it('a removal refused in one account does not hold up the other, and is retried until it is gone', async () => {
    const { catalogTarget, targets } = twoAccountTarget();
    const { request, userId } = await newRequest({ ...forCatalogTarget(catalogTarget), duration: '1h' });
    const handle = await start(request);
    assert.equal((await settled(handle)).state, 'active');
    const refuseCheckout = awsError(500, 'InternalServerException', 'injected: checkout account unavailable');
    stand().aws.inject('DeleteAccountAssignment', 3, (call, forward) =>
      call.input.TargetId === CHECKOUT_ACCOUNT ? refuseCheckout(call, forward) : forward(),
    );
    await handle.signal('revoke', { by: 'ops', reason: 'done' });
    const final = await handle.result();
    assert.equal(final.state, 'revoked');
    assert.deepEqual(await assignedIn(userId, targets), [false, false]);
    const deletions = stand()
      .aws.callsOf('DeleteAccountAssignment')
      .filter((call) => call.input.PrincipalId === userId);
    // The payments account was removed at the first ask, while the checkout account's removal was refused and retried.
    assert.equal(deletions.filter((call) => call.input.TargetId === targets[0].accountId).length, 1);
    assert.ok(deletions.filter((call) => call.input.TargetId === CHECKOUT_ACCOUNT && call.injected).length >= 2);
  });

  it('at its expiry, an account a later lease of the person covers stays; the other is removed', async () => {
    const { catalogTarget, targets } = twoAccountTarget();
    const { request, userId } = await newRequest({ ...forCatalogTarget(catalogTarget), duration: '4s' });
    const paymentsOnly: RequestedTarget = {
      ...catalogTarget,
      key: 'payments-admin',
      accounts: [catalogTarget.accounts[0]],
    };
    const later: AccessRequest = {
      ...request,
      ...forCatalogTarget(paymentsOnly),
      requestId: randomUUID(),
      duration: '1h',
      principalId: userId,
    };
    const first = await start(request);
    assert.equal((await settled(first)).state, 'active');
    const second = await start(later);
    assert.equal((await settled(second)).state, 'active');

    const ended = await first.result();
    assert.equal(ended.state, 'revoked');
    assert.equal(ended.ending, 'expired');
    assert.deepEqual(await assignedIn(userId, targets), [true, false]);
    const revoked = await eventOf(request.requestId, 'revoked');
    assert.deepEqual(revoked?.details?.carriedOn, { [targets[0].accountId]: second.workflowId });
    assert.deepEqual(Object.keys(revoked?.details?.accounts as object), [CHECKOUT_ACCOUNT]);

    await second.signal('revoke', { by: 'ops', reason: 'done' });
    await second.result();
    assert.deepEqual(await assignedIn(userId, targets), [false, false]);
  });
});

describe('approvers read from Slack when they click (v4)', function () {
  const GROUP = 'S0ONCALL';
  const STAYS = 'U0STAYS';
  const LEAVES = 'U0LEAVES';
  const JOINS = 'U0JOINS';
  let slack: FakeSlack;
  let worker: TestWorker;
  const env = () => stand().devServer.env;

  before(async () => {
    slack = new FakeSlack();
    await slack.start();
    // No cache: each click reads the group again (GROUP_MEMBERS_CACHE=0s).
    worker = await startWorker(env(), { slackApiUrl: slack.apiUrl, groupMembersCacheMs: 0 });
  });
  after(async () => {
    await worker?.stop();
    await slack?.stop();
  });

  async function pendingRequest(): Promise<WorkflowHandle> {
    slack.userGroups.set(GROUP, [STAYS, LEAVES]);
    const { request } = await newSlackRequest({
      slack: { approverChannel: 'C0APPROVERS', approvers: [GROUP], requestTimeout: '1h' },
    });
    const handle = await startAccessRequest(env().client, worker.taskQueue, request, testSigner(env()));
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.approvers !== undefined,
    );
    return handle;
  }

  it('an approver removed from the group after the request was made is refused, and nothing changes', async () => {
    const handle = await pendingRequest();
    assert.deepEqual((await handle.query(statusQuery)).approvers, [LEAVES, STAYS]);
    slack.userGroups.set(GROUP, [STAYS]);
    await assert.rejects(sendUpdate(handle, approveUpdate, { by: LEAVES }, env()), (error: Error) => {
      assert.match(
        String((error as { cause?: Error }).cause?.message ?? error.message),
        /Only Keycard approvers can approve/,
      );
      return true;
    });
    assert.equal((await handle.query(statusQuery)).state, 'pending');
    const result = await sendUpdate(handle, approveUpdate, { by: STAYS }, env());
    assert.equal(result.by, STAYS);
    const approved = await eventOf((await handle.query(statusQuery)).requestId, 'approved');
    assert.equal(approved?.actor, STAYS);
    assert.deepEqual(approved?.details, { approverRule: GROUP });
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await handle.result();
  });

  it('someone added to the group after the request was made may decide it', async () => {
    const handle = await pendingRequest();
    slack.userGroups.set(GROUP, [STAYS, LEAVES, JOINS]);
    const result = await sendUpdate(handle, approveUpdate, { by: JOINS }, env());
    assert.equal(result.by, JOINS);
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    const final = await handle.result();
    assert.equal(final.approvedBy, JOINS);
  });
});
