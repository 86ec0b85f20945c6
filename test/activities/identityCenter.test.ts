/**
 * The Identity Center adapter against moto behind the fault proxy: one user's assignment is checked with one call
 * however crowded the target, and the call pacer keeps a burst inside AWS's calls-per-second quota.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createIdentityCenter } from '../../src/runtime/identityCenter';
import { CallPacer } from '../../src/services/pacing';
import { AccessDeniedError, AssignmentFailedError, PrincipalNotFoundError } from '../../src/domain/errors';
import { awsError, failingDeletion } from '../support/awsFaultProxy';
import { assignInMoto, isAssignedInMoto } from '../support/keycard';
import { freePort } from '../support/processes';
import { AWS_REGION, createIdentityStoreUser, createPermissionSet, stand } from '../support/stand';

const QUOTA = 20;
const noProgress = { onProgress: () => undefined, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

function identityCenter(callsPerSecond?: number) {
  const { aws, seed } = stand();
  return createIdentityCenter({
    region: AWS_REGION,
    endpoint: aws.endpoint,
    instanceArn: seed.instanceArn,
    identityStoreId: seed.identityStoreId,
    pollIntervalMs: 50,
    ...(callsPerSecond ? { callsPerSecond } : {}),
  });
}

function callsSince(index: number, operation?: string) {
  return stand()
    .aws.calls.slice(index)
    .filter((call) => !operation || call.operation === operation);
}

describe('Identity Center adapter', function () {
  afterEach(() => {
    stand().aws.quota(undefined);
    stand().aws.clearFaults();
  });

  /** A fresh permission set with one fresh user assigned to it, as Keycard grants. */
  async function assignedUser() {
    const target = await createPermissionSet('ic-test');
    const user = await createIdentityStoreUser(`ic-${randomUUID().slice(0, 8)}@example.com`);
    await assignInMoto(target, user);
    assert.equal(await isAssignedInMoto(user, target), true);
    return { target, user };
  }

  it('names the user an email was bound to (DescribeUser: UserName, DisplayName), and refuses an unknown id', async () => {
    const email = `ic-${randomUUID().slice(0, 8)}@example.com`;
    const ic = identityCenter();
    const principalId = await createIdentityStoreUser(email);
    const before = stand().aws.calls.length;
    // The stand's users are created with UserName and DisplayName both set to the email.
    assert.deepEqual(await ic.userNameOf(principalId), { userName: email, displayName: email });
    assert.deepEqual(
      callsSince(before).map((call) => [call.operation, call.input.UserId]),
      [['DescribeUser', principalId]],
    );
    await assert.rejects(ic.userNameOf(randomUUID()), PrincipalNotFoundError);
  });

  it('checks one user on a target of 150 assignments with one call, and tells permission sets apart', async () => {
    const crowded = await createPermissionSet('ic-test');
    const other = await createPermissionSet('ic-test');
    for (let i = 0; i < 150; i++) await assignInMoto(crowded, `filler-${i}-${randomUUID()}`);
    const user = await createIdentityStoreUser(`ic-${randomUUID().slice(0, 8)}@example.com`);
    await assignInMoto(other, user);
    const ic = identityCenter();

    const before = stand().aws.calls.length;
    assert.equal(await ic.isAssigned(crowded, user), false, 'assigned elsewhere on the account is not this target');
    assert.equal(await ic.isAssigned(other, user), true);
    await assignInMoto(crowded, user);
    assert.equal(await ic.isAssigned(crowded, user), true, 'found among 151');
    const calls = callsSince(before);
    assert.deepEqual(
      calls.map((call) => call.operation),
      Array(3).fill('ListAccountAssignmentsForPrincipal'),
    );
    assert.ok(calls.every((call) => (call.input.Filter as { AccountId?: string }).AccountId === crowded.accountId));
  });

  it('unassign deletes, confirms, and counts an assignment that is already gone as revoked', async () => {
    const target = await createPermissionSet('ic-test');
    const user = await createIdentityStoreUser(`ic-${randomUUID().slice(0, 8)}@example.com`);
    const ic = identityCenter();
    const created = await ic.assign(target, user, noProgress);
    assert.ok(created.requestId && !created.alreadyAssigned);
    assert.deepEqual(await ic.assign(target, user, noProgress), { alreadyAssigned: true }, 'never a second one');
    assert.equal(await ic.isAssigned(target, user), true);
    const removal = await ic.unassign(target, user, noProgress);
    assert.ok(removal.requestId && !removal.alreadyGone);
    assert.equal(await ic.isAssigned(target, user), false);
    assert.deepEqual(await ic.unassign(target, user, noProgress), { alreadyGone: true });
  });

  it('a deletion reported FAILED while the assignment is gone anyway counts as revoked', async () => {
    const { target, user } = await assignedUser();
    failingDeletion(stand().aws, 'injected: removed, then reported FAILED', { applied: true });
    const removal = await identityCenter().unassign(target, user, noProgress);
    assert.equal(removal.alreadyGone, true);
    assert.ok(removal.requestId, 'the deletion that was asked is the one recorded');
    assert.equal(await isAssignedInMoto(user, target), false, 'moto no longer lists it');
    assert.deepEqual(
      stand()
        .aws.callsOf('DescribeAccountAssignmentDeletionStatus')
        .slice(-1)
        .map((call) => call.injected),
      [true],
      'the FAILED answer was the one read',
    );
  });

  it('a deletion reported FAILED while the assignment is still listed fails, and the assignment stays', async () => {
    const { target, user } = await assignedUser();
    failingDeletion(stand().aws, 'injected: could not remove', { applied: false });
    await assert.rejects(
      identityCenter().unassign(target, user, noProgress),
      (error: Error) => error.name === AssignmentFailedError.type && /FAILED.*could not remove/.test(error.message),
    );
    assert.equal(await isAssignedInMoto(user, target), true);
  });

  it('a paced burst of 60 calls meets no throttling under a 20 calls/s quota; the same burst unpaced does', async () => {
    const target = await createPermissionSet('ic-test');
    const user = await createIdentityStoreUser(`ic-${randomUUID().slice(0, 8)}@example.com`);
    const burst = async (ic: ReturnType<typeof identityCenter>) => {
      stand().aws.quota(QUOTA);
      const before = stand().aws.calls.length;
      const answers = await Promise.allSettled(Array.from({ length: 60 }, () => ic.isAssigned(target, user)));
      stand().aws.quota(undefined);
      return { answers, throttled: callsSince(before).filter((call) => call.throttled).length };
    };

    const unpaced = await burst(identityCenter());
    assert.ok(unpaced.throttled > 0, 'the quota bites: an unpaced burst is throttled');

    // A fresh bucket: the unpaced burst must not leave the quota drained for the paced one.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const paced = await burst(identityCenter(QUOTA));
    assert.equal(paced.throttled, 0, 'paced at the quota, Identity Center never throttles');
    assert.ok(paced.answers.every((answer) => answer.status === 'fulfilled' && answer.value === false));
  });

  it('the pacer hands out slots in order, no closer than 1/rate seconds apart', async () => {
    const pacer = new CallPacer(QUOTA);
    const released: { i: number; at: number }[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        await pacer.acquire();
        released.push({ i, at: performance.now() });
      }),
    );
    assert.deepEqual(
      released.map((slot) => slot.i),
      Array.from({ length: 10 }, (_, i) => i),
    );
    // A lower bound only (a slow machine spaces them wider): 9 gaps of 50 ms, less timer rounding.
    assert.ok(released[9].at - released[0].at >= 9 * (1000 / QUOTA) - 10);
    assert.throws(() => new CallPacer(0), /must be positive/);
  });

  describe('the revoke probe (probeRevokePath)', function () {
    it('passes when each read of the revoke path reaches Identity Center and is permitted, made-up ids included', async () => {
      const target = await createPermissionSet('ic-probe');
      const before = stand().aws.calls.length;
      await identityCenter().probeRevokePath(target);
      const calls = callsSince(before);
      assert.deepEqual(calls.map((call) => call.operation).sort(), [
        'DescribeAccountAssignmentDeletionStatus',
        'ListAccountAssignments',
        'ListAccountAssignmentsForPrincipal',
      ]);
      assert.ok(
        calls.some((call) => call.operation === 'DescribeAccountAssignmentDeletionStatus' && call.status === 400),
        'the made-up deletion request is not found: reachable and permitted',
      );
      assert.ok(
        calls.every((call) => call.operation.startsWith('Describe') || call.operation.startsWith('List')),
        'the probe changes nothing',
      );
    });

    for (const operation of [
      'ListAccountAssignments',
      'ListAccountAssignmentsForPrincipal',
      'DescribeAccountAssignmentDeletionStatus',
    ]) {
      it(`fails with AccessDeniedError naming the action when ${operation} is denied`, async () => {
        const target = await createPermissionSet('ic-probe');
        stand().aws.inject(operation, 1, awsError(400, 'AccessDeniedException', `injected: no ${operation}`));
        await assert.rejects(identityCenter().probeRevokePath(target), (error: Error) => {
          assert.ok(error instanceof AccessDeniedError, String(error));
          assert.match(error.message, new RegExp(`sso:${operation}`));
          return true;
        });
      });
    }

    it('fails when Identity Center cannot be reached', async () => {
      const { seed } = stand();
      const unreachable = createIdentityCenter({
        region: AWS_REGION,
        endpoint: `http://127.0.0.1:${await freePort()}`,
        instanceArn: seed.instanceArn,
        identityStoreId: seed.identityStoreId,
        pollIntervalMs: 50,
      });
      await assert.rejects(
        unreachable.probeRevokePath({ accountId: seed.accountId, permissionSetArn: seed.permissionSetArn }),
      );
    });
  });
});
