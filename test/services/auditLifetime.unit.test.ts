/** How the audit trail tells a lifetime's ending: from the ending the grant recorded, or from older events' words. */
import assert from 'node:assert/strict';
import type { GrantEnding } from '../../src/domain/grant';
import { lifetimeOf } from '../../src/services/audit/auditQueries';
import type { AuditEvent, AuditEventType } from '../../src/services/records';

const at = (time: string) => new Date(`2026-11-17T${time}:00.000Z`);
const REQUESTER = { slackUserId: 'U0ALICE', email: 'alice@example.com' };

function event(
  seq: number,
  type: AuditEventType,
  time: string,
  actor: string,
  reason?: string,
  extra: { details?: Record<string, unknown>; ending?: GrantEnding } = {},
): AuditEvent {
  return {
    _id: `r1:${seq}:${type}`,
    requestId: 'r1',
    workflowId: 'prod-access-r1',
    seq,
    type,
    at: at(time),
    actor,
    ...(reason ? { reason } : {}),
    ...(extra.details ? { details: extra.details } : {}),
    grant: {
      requester: REQUESTER,
      target: '123456789012/arn:aws:sso:::permissionSet/ssoins-1/ps-1',
      reason: 'incident',
      state: type === 'revoked' ? 'revoked' : 'active',
      ...(extra.ending ? { ending: extra.ending } : {}),
    },
  };
}

function endingOfLifetime(end: AuditEvent): string | undefined {
  return lifetimeOf([event(1, 'requested', '09:00', REQUESTER.email), event(2, 'granted', '09:01', 'keycard'), end])
    ?.ending;
}

describe('the ending of a lifetime in the audit trail', function () {
  const rows: [string, AuditEvent, string][] = [
    ['the recorded expiry', event(3, 'revoked', '13:01', 'keycard', 'expired', { ending: 'expired' }), 'expired'],
    ['a recorded revoke', event(3, 'revoked', '10:00', 'U0BOB', 'done', { ending: 'revoked' }), 'revoked'],
    [
      'a recorded hand-over',
      event(3, 'revoked', '13:01', 'keycard', 'expired; access continues under prod-access-r2 until later', {
        ending: 'handed_over',
      }),
      'handed over',
    ],
    ['an older expiry, told from its words', event(3, 'revoked', '13:01', 'keycard', 'expired'), 'expired'],
    ['an older revoke', event(3, 'revoked', '10:00', 'U0BOB', 'done'), 'revoked'],
    [
      'an older hand-over, told from its details',
      event(3, 'revoked', '13:01', 'keycard', 'expired; access continues under prod-access-r2 until later', {
        details: { handedOverTo: 'prod-access-r2' },
      }),
      'handed over',
    ],
    [
      'the reconciler’s revoke',
      event(3, 'revoked_by_reconciler', '15:00', 'keycard-reconciler', 'overdue'),
      'revoked by reconciler',
    ],
  ];
  for (const [story, end, ending] of rows) {
    it(`${story} reads as "${ending}"`, () => assert.equal(endingOfLifetime(end), ending));
  }
});
