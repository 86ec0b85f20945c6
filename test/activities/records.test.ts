/** The records activity against FerretDB: retries never duplicate, and an old write never overwrites a new one. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { GrantEventInput } from '../../src/services/records';
import type { GrantStatus } from '../../src/domain/grant';
import { records } from '../support/keycard';

function event(status: GrantStatus, type: GrantEventInput['type']): GrantEventInput {
  return {
    eventId: `${status.requestId}:${status.history.length}:${type}`,
    workflowId: `prod-access-${status.requestId}`,
    type,
    at: status.history[status.history.length - 1].at,
    actor: 'keycard',
    grant: status,
  };
}

describe('grant records in MongoDB', function () {
  const requestId = randomUUID();
  const requested: GrantStatus = {
    requestId,
    state: 'pending',
    requester: { slackUserId: 'U1', email: 'a@example.com' },
    target: { accountId: '123456789012', permissionSetArn: 'arn:aws:sso:::permissionSet/x/ps-1' },
    reason: 'why',
    duration: '4h',
    history: [{ at: '2026-11-24T10:00:00.000Z', type: 'requested', actor: 'a@example.com' }],
  };
  const granted: GrantStatus = {
    ...requested,
    state: 'active',
    grantedAt: '2026-11-24T10:00:01.000Z',
    expiresAt: '2026-11-24T14:00:01.000Z',
    history: [...requested.history, { at: '2026-11-24T10:00:01.000Z', type: 'granted', actor: 'keycard' }],
  };

  it('a retried event is written once', async () => {
    const grantRecords = await records();
    await grantRecords.recordEvent(event(requested, 'requested'));
    await grantRecords.recordEvent(event(requested, 'requested'));
    await grantRecords.recordEvent(event(granted, 'granted'));
    await grantRecords.recordEvent(event(granted, 'granted'));
    const events = await grantRecords.events(requestId);
    assert.deepEqual(
      events.map((stored) => [stored.seq, stored.type]),
      [
        [1, 'requested'],
        [2, 'granted'],
      ],
    );
    assert.equal(await grantRecords.grants.countDocuments({ requestId }), 1);
  });

  it('a late retry of an older event does not roll the grant back', async () => {
    const grantRecords = await records();
    await grantRecords.recordEvent(event(requested, 'requested'));
    const grant = await grantRecords.grant(requestId);
    assert.equal(grant?.state, 'active');
    assert.equal(grant?.version, 2);
    assert.deepEqual(grant?.expiresAt, new Date('2026-11-24T14:00:01.000Z'));
  });

  it('the sweep and lookups have their indexes', async () => {
    const grantRecords = await records();
    const names = (await grantRecords.grants.listIndexes().toArray()).map((index) => index.name);
    assert.ok(names.includes('requestId_unique'));
    assert.ok(names.includes('state_expiresAt'));
  });

  it('a request id that looks like a query operator is only ever a value', async () => {
    const grantRecords = await records();
    assert.equal(await grantRecords.grant({ $ne: null } as unknown as string), null);
  });
});
