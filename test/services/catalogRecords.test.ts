/**
 * The grant records of a catalog target's grant on FerretDB: every (account, permission set) kept, the published key,
 * each account's Identity Center request; and the lease queries asked per pair, over records of every age.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { targetKey, type GrantStatus, type RequestedTarget, type Target } from '../../src/domain/grant';
import { leaseKey, recordTargets, type GrantEventInput, type GrantRecord } from '../../src/services/records';
import { records } from '../support/keycard';

const PERMISSION_SET = 'arn:aws:sso:::permissionSet/ssoins-1/ps-catalog';
const PAYMENTS: Target = { accountId: '111122223333', permissionSetArn: PERMISSION_SET };
const CHECKOUT: Target = { accountId: '444455556666', permissionSetArn: PERMISSION_SET };
const PROD_ADMIN: RequestedTarget = {
  key: 'prod-admin',
  name: 'Production admin',
  permissionSetArn: PERMISSION_SET,
  accounts: [
    { id: PAYMENTS.accountId, name: 'payments-prod' },
    { id: CHECKOUT.accountId, name: 'checkout-prod' },
  ],
  requesterRule: 'S0ENGINEERS',
};

function event(status: GrantStatus, type: GrantEventInput['type'], details?: Record<string, unknown>): GrantEventInput {
  return {
    eventId: `${status.requestId}:${status.history.length}:${type}`,
    workflowId: `prod-access-${status.requestId}`,
    type,
    at: status.history[status.history.length - 1].at,
    actor: 'keycard',
    grant: status,
    ...(details ? { details } : {}),
  };
}

describe('records of a catalog target with several accounts', function () {
  it('a grant record keeps every pair, the catalog key as its target key, and each account’s request id', async () => {
    const grantRecords = await records();
    const requestId = randomUUID();
    const requested: GrantStatus = {
      requestId,
      state: 'pending',
      requester: { slackUserId: 'U1', email: 'catalog@example.com' },
      target: PAYMENTS,
      catalogTarget: PROD_ADMIN,
      reason: 'why',
      duration: '4h',
      history: [{ at: '2026-11-24T10:00:00.000Z', type: 'requested', actor: 'catalog@example.com' }],
    };
    const granted: GrantStatus = {
      ...requested,
      state: 'active',
      principalId: 'p-catalog',
      grantedAt: '2026-11-24T10:00:01.000Z',
      expiresAt: '2026-11-24T14:00:01.000Z',
      history: [...requested.history, { at: '2026-11-24T10:00:01.000Z', type: 'granted', actor: 'keycard' }],
    };
    await grantRecords.recordEvent(event(requested, 'requested', { targetKey: 'prod-admin' }));
    await grantRecords.recordEvent(
      event(granted, 'granted', {
        creationRequestIds: { [PAYMENTS.accountId]: 'create-1', [CHECKOUT.accountId]: 'create-2', '999988887777': 42 },
        accounts: [PAYMENTS.accountId, CHECKOUT.accountId],
        expiresAt: granted.expiresAt,
        creationRequestId: 'create-1',
      }),
    );
    const record = await grantRecords.grant(requestId);
    assert.ok(record);
    assert.deepEqual(record.target, PAYMENTS, 'the first account, as older readers expect');
    assert.deepEqual(record.targets, [PAYMENTS, CHECKOUT]);
    assert.deepEqual(record.targetKeys, [targetKey(PAYMENTS), targetKey(CHECKOUT)]);
    assert.equal(record.targetKey, 'prod-admin');
    assert.deepEqual(record.catalogTarget, {
      key: 'prod-admin',
      name: 'Production admin',
      accounts: PROD_ADMIN.accounts,
    });
    assert.deepEqual(record.identityCenterRequests, {
      creation: 'create-1',
      creations: { [PAYMENTS.accountId]: 'create-1', [CHECKOUT.accountId]: 'create-2' },
    });
    const [, grantedEvent] = await grantRecords.events(requestId);
    assert.equal(grantedEvent.grant?.target, 'prod-admin');
    assert.deepEqual(grantedEvent.grant?.targets, [targetKey(PAYMENTS), targetKey(CHECKOUT)]);

    const revoked: GrantStatus = {
      requestId,
      state: 'revoked',
      requester: granted.requester,
      target: PAYMENTS,
      catalogTarget: PROD_ADMIN,
      reason: granted.reason,
      duration: granted.duration,
      principalId: granted.principalId,
      grantedAt: granted.grantedAt,
      expiresAt: granted.expiresAt,
      revokedAt: '2026-11-24T11:00:00.000Z',
      revokedBy: 'ops',
      revokeReason: 'done',
      ending: 'revoked',
      history: [...granted.history, { at: '2026-11-24T11:00:00.000Z', type: 'revoked', actor: 'ops' }],
    };
    await grantRecords.recordEvent(
      event(revoked, 'revoked', {
        deletionRequestIds: { [PAYMENTS.accountId]: 'delete-1', [CHECKOUT.accountId]: undefined },
        deletionRequestId: 'delete-1',
      }),
    );
    const ended = await grantRecords.grant(requestId);
    assert.equal(ended?.state, 'revoked');
    assert.deepEqual(ended?.identityCenterRequests, {
      creation: 'create-1',
      creations: { [PAYMENTS.accountId]: 'create-1', [CHECKOUT.accountId]: 'create-2' },
      deletion: 'delete-1',
      deletions: { [PAYMENTS.accountId]: 'delete-1' },
    });
    assert.deepEqual(ended?.targets, [PAYMENTS, CHECKOUT], 'every pair, to its end');
  });

  it('a record written before catalog targets still reads as its one pair', () => {
    const old = { target: PAYMENTS } as Pick<GrantRecord, 'target' | 'targets'>;
    assert.deepEqual(recordTargets(old), [PAYMENTS]);
    assert.deepEqual(recordTargets({ target: PAYMENTS, targets: [PAYMENTS, CHECKOUT] }), [PAYMENTS, CHECKOUT]);
  });

  describe('the lease queries, per (person, account, permission set)', function () {
    const principalId = `pairs-${randomUUID()}`;
    const now = new Date();
    const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);
    const base = {
      requester: { slackUserId: 'U0LEASE', email: 'pairs@example.com' },
      reason: 'lease test',
      duration: '1h',
      principalId,
      identityCenterRequests: {},
      version: 2,
      updatedAt: now,
    };
    /** A record as the recorder writes one now: every pair, the published key. */
    const catalogGrant = (name: string, fields: Partial<GrantRecord>): GrantRecord => {
      const requestId = `${principalId}-${name}`;
      return {
        _id: requestId,
        requestId,
        workflowId: `prod-access-${requestId}`,
        state: 'active',
        target: PAYMENTS,
        targets: [PAYMENTS, CHECKOUT],
        targetKeys: [targetKey(PAYMENTS), targetKey(CHECKOUT)],
        targetKey: 'prod-admin',
        ...base,
        ...fields,
      };
    };
    /** A record as older code wrote one: one target, its pair as the key, no `targets`. */
    const olderGrant = (name: string, target: Target, fields: Partial<GrantRecord>): GrantRecord => {
      const requestId = `${principalId}-${name}`;
      return {
        _id: requestId,
        requestId,
        workflowId: `prod-access-${requestId}`,
        state: 'active',
        target,
        targetKey: targetKey(target),
        ...base,
        ...fields,
      };
    };
    after(async () => {
      await (await records()).grants.deleteMany({ principalId });
    });

    it('a later lease of the same person on the same pair counts, whatever its target key; other pairs do not', async () => {
      const grantRecords = await records();
      const mine = catalogGrant('mine', { expiresAt: at(60_000) });
      await grantRecords.grants.insertMany([
        mine,
        olderGrant('older-on-checkout', CHECKOUT, { expiresAt: at(120_000) }),
        olderGrant('older-elsewhere', { ...CHECKOUT, accountId: '999988887777' }, { expiresAt: at(900_000) }),
      ]);
      const question = (target: Target) => ({
        requestId: mine.requestId,
        principalId,
        target,
        expiresAt: (mine.expiresAt as Date).toISOString(),
      });
      assert.equal(await grantRecords.laterLease(question(PAYMENTS)), undefined);
      assert.equal(
        (await grantRecords.laterLease(question(CHECKOUT)))?.workflowId,
        `prod-access-${principalId}-older-on-checkout`,
      );

      // A later grant of another catalog target with the same pair: a lease on it too.
      await grantRecords.grants.insertOne(
        catalogGrant('other-catalog', {
          targetKey: 'payments-admin',
          targets: [PAYMENTS],
          targetKeys: [targetKey(PAYMENTS)],
          expiresAt: at(300_000),
        }),
      );
      assert.equal(
        (await grantRecords.laterLease(question(PAYMENTS)))?.workflowId,
        `prod-access-${principalId}-other-catalog`,
      );
      // An older single-target grant asks about its one pair and finds the catalog grant that covers it.
      const older = olderGrant('older-short', CHECKOUT, { expiresAt: at(30_000) });
      await grantRecords.grants.insertOne(older);
      const later = await grantRecords.laterLease({
        requestId: older.requestId,
        principalId,
        target: CHECKOUT,
        expiresAt: (older.expiresAt as Date).toISOString(),
      });
      assert.equal(later?.workflowId, `prod-access-${principalId}-older-on-checkout`, 'the one that ends last');
    });

    it('live leases, held leases, active grants and the successor of an overdue grant are per pair', async () => {
      const grantRecords = await records();
      const live = await grantRecords.liveLeaseKeys();
      for (const target of [PAYMENTS, CHECKOUT]) {
        assert.ok(live.has(leaseKey(principalId, targetKey(target))), targetKey(target));
        assert.equal(await grantRecords.holdsLiveLease(principalId, targetKey(target)), true);
      }
      assert.equal(live.has(leaseKey(principalId, 'prod-admin')), false, 'a catalog key is not an assignment');
      const onCheckout = (await grantRecords.activeGrantsOn(targetKey(CHECKOUT), now))
        .filter((grant) => grant.principalId === principalId)
        .map((grant) => grant.requestId.slice(principalId.length + 1))
        .sort();
      assert.deepEqual(onCheckout, ['mine', 'older-on-checkout', 'older-short']);

      const overdue = catalogGrant('overdue', { expiresAt: at(-60_000) });
      await grantRecords.grants.insertOne(overdue);
      assert.equal(
        (await grantRecords.liveLeaseOn(overdue, targetKey(CHECKOUT), now))?.workflowId,
        `prod-access-${principalId}-older-on-checkout`,
      );
      assert.equal(
        (await grantRecords.liveLeaseOn(overdue, targetKey(PAYMENTS), now))?.workflowId,
        `prod-access-${principalId}-other-catalog`,
      );
      const elsewhere = targetKey({ ...PAYMENTS, accountId: '000011112222' });
      assert.equal(await grantRecords.liveLeaseOn(overdue, elsewhere, now), undefined);
      assert.equal(await grantRecords.holdsLiveLease(principalId, elsewhere), false);
    });
  });
});
