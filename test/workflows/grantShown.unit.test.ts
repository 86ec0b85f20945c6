import assert from 'node:assert/strict';
import {
  MAX_HISTORY_ENTRIES,
  type GrantHistoryEntry,
  type GrantStatus,
  type GrantStatusFields,
} from '../../src/domain/grant';
import { bounded, currentDetails, forActivities } from '../../src/workflows/grant/shown';
import { usableShapeOf } from '../../src/workflows/grant/usableShape';

function entry(type: GrantHistoryEntry['type'], n: number): GrantHistoryEntry {
  return { at: new Date(Date.UTC(2026, 0, 5, 10, n)).toISOString(), type, actor: 'keycard' };
}

const STATUS: GrantStatus = {
  requestId: 'r1',
  state: 'active',
  requester: { slackUserId: 'U0ALICE', email: 'alice@example.com' },
  target: { accountId: '123456789012', permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1' },
  reason: 'incident',
  duration: '4h',
  grantedAt: '2026-01-05T10:00:00.000Z',
  expiresAt: '2026-01-05T14:00:00.000Z',
  history: [],
};

describe('what the grant shows of itself', function () {
  it("a status's history keeps its first entry and the latest ones", () => {
    const short = [entry('requested', 0), entry('granted', 1)];
    assert.equal(bounded(short), short);
    const long = Array.from({ length: MAX_HISTORY_ENTRIES + 5 }, (_, n) =>
      entry(n ? 'revoke_failing' : 'requested', n),
    );
    const kept = bounded(long);
    assert.equal(kept.length, MAX_HISTORY_ENTRIES);
    assert.equal(kept[0], long[0]);
    assert.deepEqual(kept.slice(1), long.slice(6));
  });

  it('activities get the first entry, the latest approval and the last entry', () => {
    const three = { ...STATUS, history: [entry('requested', 0), entry('approved', 1), entry('granted', 2)] };
    assert.equal(forActivities(three), three);
    const history = [
      entry('requested', 0),
      entry('approved', 1),
      entry('granted', 2),
      entry('revoke_failing', 3),
      entry('revoke_failing', 4),
    ];
    assert.deepEqual(forActivities({ ...STATUS, history }).history, [history[0], history[1], history[4]]);
    const unapproved = [entry('requested', 0), entry('granted', 1), entry('extended', 2), entry('revoked', 3)];
    assert.deepEqual(forActivities({ ...STATUS, history: unapproved }).history, [unapproved[0], unapproved[3]]);
  });

  const details: [string, Partial<GrantStatusFields>, string | RegExp][] = [
    ['a request waiting for an approver', { state: 'pending', approvers: ['U0BOB'] }, 'Waiting for an approver'],
    [
      'an approved request being granted',
      { state: 'pending', approvers: ['U0BOB'], approvedBy: 'U0BOB' },
      'Granting access',
    ],
    ['a CLI request being granted', { state: 'pending' }, 'Granting access'],
    ['a denied request', { state: 'denied', deniedBy: 'U0BOB', denyReason: 'freeze' }, 'Denied by U0BOB: freeze'],
    ['a request nobody answered', { state: 'expired' }, 'Expired unanswered'],
    [
      'an active grant',
      { state: 'active', expiresAt: '2026-01-05T14:00:00.000Z', approvedBy: 'U0BOB' },
      /^Active until .*14:00.*, granted by U0BOB$/,
    ],
    [
      'an active grant nobody approved',
      { state: 'active', expiresAt: '2026-01-05T14:00:00.000Z' },
      /granted by keycard$/,
    ],
    [
      'a revoked grant',
      { state: 'revoked', revokedBy: 'ops', revokedAt: '2026-01-05T12:00:00.000Z', revokeReason: 'done' },
      /^Revoked by ops at .*12:00.*: done$/,
    ],
    [
      'a failed grant',
      { state: 'failed', failureReason: 'PrincipalNotFoundError: no user' },
      'Failed: PrincipalNotFoundError: no user',
    ],
  ];
  for (const [story, change, shown] of details) {
    it(`the Web UI shows ${story}`, () => {
      const text = currentDetails({ ...STATUS, ...change } as GrantStatus);
      if (typeof shown === 'string') assert.equal(text, shown);
      else assert.match(text, shown);
    });
  }

  it("the Web UI shows a catalog grant's target by name and key, every account and the permission set", () => {
    const catalogTarget = {
      key: 'prod-admin',
      name: 'Production admin',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
      accounts: [
        { id: '111122223333', name: 'payments-prod' },
        { id: '444455556666', name: '444455556666' },
      ],
      requesterRule: 'everyone',
    };
    const text = currentDetails({ ...STATUS, approvedBy: 'U0BOB', catalogTarget });
    const lines = text.split('\n');
    assert.match(lines[0], /^Active until .*14:00.*, granted by U0BOB$/);
    assert.deepEqual(lines.slice(1), [
      'Target: Production admin (prod-admin)',
      'Accounts: payments-prod (111122223333), 444455556666',
      'Permission set: arn:aws:sso:::permissionSet/ssoins-1/ps-1',
    ]);
    const waiting = currentDetails({
      ...STATUS,
      state: 'pending',
      approvers: ['U0BOB'],
      catalogTarget,
    } as unknown as GrantStatus);
    assert.match(waiting, /^Waiting for an approver\nTarget: Production admin/);
  });

  it('an unusable start input becomes a request of strings that can be recorded', () => {
    const shaped = usableShapeOf(
      { requester: { email: 42 }, reason: 'x'.repeat(1_000), target: { accountId: ['a'] } },
      'r9',
      '2026-01-05T10:00:00.000Z',
    );
    assert.deepEqual(shaped, {
      requestId: 'r9',
      requester: { slackUserId: '', email: '42' },
      reason: 'x'.repeat(256),
      target: { accountId: '["a"]', permissionSetArn: '' },
      requestedAt: '2026-01-05T10:00:00.000Z',
    });
    assert.deepEqual(usableShapeOf(null, 'r0', 'now').requester, { slackUserId: '', email: '' });
    assert.equal(usableShapeOf('just text', 'r0', 'now').reason, '');
  });
});
