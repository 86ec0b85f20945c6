/** The status's steps: each keeps what it does not change, in place, and gives the new state its fields. */
import assert from 'node:assert/strict';
import { endingOf, EXPIRY } from '../../src/domain/ending';
import type { PendingGrant } from '../../src/domain/grant';
import {
  activate,
  askExtension,
  deny,
  endRevoked,
  fail,
  leaveUnanswered,
  moveExpiry,
  revokeFailing,
} from '../../src/domain/transitions';

const PENDING: PendingGrant = {
  requestId: 'r1',
  state: 'pending',
  requester: { slackUserId: 'U0ALICE', email: 'alice@example.com' },
  target: { accountId: '123456789012', permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1' },
  reason: 'incident',
  duration: '4h',
  approvedBy: 'U0BOB',
  maxTotalDuration: '12h',
  history: [],
};
const GRANTED = '2026-01-05T10:00:00.000Z';
const EXPIRES = '2026-01-05T14:00:00.000Z';

describe('how a status moves', function () {
  it('granting keeps every field in its place and adds when it runs', () => {
    const active = activate(PENDING, GRANTED, EXPIRES);
    assert.equal(active.state, 'active');
    assert.deepEqual(Object.keys(active), [...Object.keys(PENDING), 'grantedAt', 'expiresAt']);
    assert.equal(endingOf(active), undefined);
  });

  it('an extension asked for, then approved, moves the expiry and is gone', () => {
    const asked = askExtension(activate(PENDING, GRANTED, EXPIRES), {
      by: 'U0ALICE',
      duration: '1h',
      reason: 'more',
      requestedAt: GRANTED,
    });
    const moved = moveExpiry(asked, '2026-01-05T15:00:00.000Z');
    assert.equal(moved.expiresAt, '2026-01-05T15:00:00.000Z');
    assert.equal(JSON.parse(JSON.stringify(moved)).pendingExtension, undefined);
  });

  it('every end says how it ended', () => {
    const active = activate(PENDING, GRANTED, EXPIRES);
    assert.equal(endingOf(endRevoked(active, EXPIRES, EXPIRY, 'expired')), 'expired');
    assert.equal(endingOf(deny(PENDING, 'U0BOB', 'no')), 'denied');
    assert.equal(endingOf(leaveUnanswered(PENDING)), 'unanswered');
    assert.equal(endingOf(fail(PENDING, 'no such user')), 'failed');
  });

  it('a confirmed revoke after failing rounds leaves nothing failing; the end keeps the expiry', () => {
    const failing = revokeFailing(activate(PENDING, GRANTED, EXPIRES), { since: EXPIRES, rounds: 2, lastError: 'x' });
    const ended = JSON.parse(
      JSON.stringify(endRevoked(failing, EXPIRES, { by: 'U0BOB', reason: 'done' }, 'revoked', true)),
    );
    assert.equal(ended.revokeFailing, undefined);
    assert.equal(ended.expiresAt, EXPIRES);
    assert.deepEqual(
      [ended.state, ended.revokedBy, ended.revokeReason, ended.ending],
      ['revoked', 'U0BOB', 'done', 'revoked'],
    );
    const cleaned = JSON.parse(JSON.stringify(fail(failing, 'grant failed: x', true)));
    assert.equal(cleaned.revokeFailing, undefined);
  });
});
