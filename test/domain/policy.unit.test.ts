import assert from 'node:assert/strict';
import { Refusal, type RefusalType } from '../../src/domain/errors';
import type { GrantState } from '../../src/domain/grant';
import {
  decidesExtension,
  mayDecideExtension,
  mayDecideRequest,
  mayExtend,
  mayRevoke,
  maySeeLiveGrants,
  READ_AT_CLICK,
  type ExtendFacts,
  type ExtensionDecisionFacts,
  type PolicyDecision,
  type RequestDecisionFacts,
} from '../../src/domain/policy';

const ALICE = { slackUserId: 'U0ALICE', email: 'alice@example.com' };
/** Alice requests; she is an approver too, so only the self-approval rule stops her deciding her own request. */
const APPROVERS = new Set(['U0BOB', 'U0ALICE']);
const BOB = 'U0BOB';
const EVE = 'U0EVE';
/** Granted at 10:00 until 14:00, at most 12 h in all. */
const SPAN = { grantedAt: '2026-01-05T10:00:00.000Z', expiresAt: '2026-01-05T14:00:00.000Z', maxTotalDuration: '12h' };
const HOUR = 3_600_000;

type Answer = true | [RefusalType, string];

function check(decision: PolicyDecision, answer: Answer): void {
  if (answer === true) assert.deepEqual(decision, { allowed: true });
  else assert.deepEqual(decision, { allowed: false, refusal: answer[0], message: answer[1] });
}

function said(answer: Answer): string {
  return answer === true ? 'allowed' : `refused (${answer[0]})`;
}

describe('who may decide a pending request', function () {
  const pending: RequestDecisionFacts = {
    actor: BOB,
    action: 'approve',
    requester: ALICE,
    approvers: APPROVERS,
    state: 'pending',
  };
  const rows: [string, Partial<RequestDecisionFacts>, Answer][] = [
    ['an approver approves a pending request', {}, true],
    ['an approver denies it with a reason', { action: 'deny', reason: 'freeze' }, true],
    ['approvers given as a list work the same', { approvers: ['U0BOB'] }, true],
    [
      'an approver denies it without a reason',
      { action: 'deny' },
      [Refusal.reasonRequired, 'Say why you deny the request.'],
    ],
    [
      'the requester, an approver too, approves her own request',
      { actor: ALICE.slackUserId },
      [Refusal.selfApproval, 'You cannot decide your own request.'],
    ],
    [
      'someone who is not an approver approves',
      { actor: EVE },
      [Refusal.notAnApprover, 'Only Keycard approvers can approve production access requests.'],
    ],
    [
      'someone who is not an approver denies',
      { actor: EVE, action: 'deny', reason: 'no' },
      [Refusal.notAnApprover, 'Only Keycard approvers can deny production access requests.'],
    ],
    [
      'an approver clicks before the approvers are known',
      { approvers: undefined },
      [Refusal.notReady, 'Keycard is still preparing this request; try again in a few seconds.'],
    ],
    [
      'an approver approves a request already approved',
      { decision: { outcome: 'approved', by: BOB } },
      [Refusal.alreadyDecided, 'This request is no longer pending: approved by U0BOB.'],
    ],
    [
      'an approver approves a request the requester withdrew',
      { revokedBy: ALICE.slackUserId },
      [Refusal.alreadyDecided, 'This request is no longer pending: withdrawn by U0ALICE.'],
    ],
    [
      'an approver approves a request nobody answered in time',
      { state: 'expired' },
      [Refusal.alreadyDecided, 'This request is no longer pending: expired.'],
    ],
    [
      'an approver approves an active grant being revoked',
      { state: 'active', revokedBy: BOB },
      [Refusal.alreadyDecided, 'This request is no longer pending: active.'],
    ],
    [
      'anyone decides, with the membership read at the click afterwards (v4 validators)',
      { actor: EVE, approvers: READ_AT_CLICK },
      true,
    ],
    [
      'the requester decides her own request, with the membership read at the click',
      { actor: ALICE.slackUserId, approvers: READ_AT_CLICK },
      [Refusal.selfApproval, 'You cannot decide your own request.'],
    ],
    [
      'anyone decides a denied request, even before the approvers are known',
      { state: 'denied', actor: EVE, approvers: undefined },
      [Refusal.alreadyDecided, 'This request is no longer pending: denied.'],
    ],
  ];
  for (const [story, facts, answer] of rows) {
    it(`${story}: ${said(answer)}`, () => check(mayDecideRequest({ ...pending, ...facts }), answer));
  }
});

describe('who may decide a pending extension', function () {
  const asked: ExtensionDecisionFacts = {
    ...SPAN,
    actor: BOB,
    action: 'approve',
    requester: ALICE,
    approvers: APPROVERS,
    pendingDuration: '1h',
  };
  const rows: [string, Partial<ExtensionDecisionFacts>, Answer][] = [
    ['an approver approves an hour more', {}, true],
    ['an approver approves up to the longest total exactly', { pendingDuration: '8h' }, true],
    [
      'an approver approves past the longest total',
      { pendingDuration: '9h' },
      [Refusal.maxDurationExceeded, 'Approving would make this grant last longer than 12h.'],
    ],
    [
      'an approver denies a too long extension, with a reason',
      { pendingDuration: '9h', action: 'deny', reason: 'no' },
      true,
    ],
    [
      'an approver denies without a reason',
      { action: 'deny' },
      [Refusal.reasonRequired, 'Say why you deny the request.'],
    ],
    [
      'the requester approves her own extension',
      { actor: ALICE.slackUserId },
      [Refusal.selfApproval, 'You cannot decide your own request.'],
    ],
    [
      'someone who is not an approver approves',
      { actor: EVE },
      [Refusal.notAnApprover, 'Only Keycard approvers can approve production access requests.'],
    ],
  ];
  for (const [story, facts, answer] of rows) {
    it(`${story}: ${said(answer)}`, () => check(mayDecideExtension({ ...asked, ...facts }), answer));
  }

  const which: [GrantState, boolean, boolean, boolean][] = [
    ['active', true, false, true],
    ['active', false, false, false],
    ['active', true, true, false],
    ['pending', true, false, false],
    ['revoked', true, false, false],
  ];
  for (const [state, pendingExtension, revoking, extension] of which) {
    it(`a click on a ${state} grant${pendingExtension ? ' with an extension asked for' : ''}${revoking ? ', being revoked' : ''} decides the ${extension ? 'extension' : 'request'}`, () => {
      assert.equal(decidesExtension(state, pendingExtension, revoking), extension);
    });
  }
});

describe('who may extend an active grant', function () {
  const active: ExtendFacts = {
    ...SPAN,
    actor: 'ops',
    durationMs: HOUR,
    requester: ALICE,
    approvers: APPROVERS,
    state: 'active',
    revoking: false,
    fromSlack: true,
    hasPendingExtension: false,
  };
  const rows: [string, Partial<ExtendFacts>, Answer][] = [
    ['an operator (the CLI) extends by an hour', {}, true],
    ['an approver extends by an hour', { actor: BOB }, true],
    ['the requester asks for more on a Slack grant, by Slack id', { actor: ALICE.slackUserId }, true],
    ['the requester asks for more on a Slack grant, by email', { actor: ALICE.email }, true],
    ['an operator extends up to the longest total exactly', { durationMs: 8 * HOUR }, true],
    [
      'a Slack user who is not an approver extends',
      { actor: EVE },
      [Refusal.notAnApprover, 'Only Keycard approvers can extend production access.'],
    ],
    [
      'the requester extends a grant that did not come from Slack',
      { actor: ALICE.email, fromSlack: false },
      [Refusal.notAnApprover, 'You cannot extend your own access.'],
    ],
    [
      'the requester asks again while her first ask waits',
      { actor: ALICE.slackUserId, hasPendingExtension: true },
      [Refusal.alreadyRequested, 'You already asked for an extension; it is waiting for an approver.'],
    ],
    ['an operator extends while an ask waits', { hasPendingExtension: true }, true],
    [
      'an operator extends a pending request',
      { state: 'pending' },
      [Refusal.notActive, 'Only active access can be extended; this grant is pending.'],
    ],
    [
      'an operator extends a revoked grant, too long as well',
      { state: 'revoked', durationMs: 9 * HOUR },
      [Refusal.notActive, 'Only active access can be extended; this grant is revoked.'],
    ],
    [
      'an operator extends a grant being revoked',
      { revoking: true },
      [Refusal.notActive, 'This access is being revoked; it cannot be extended.'],
    ],
    [
      'an operator extends past the longest total',
      { durationMs: 9 * HOUR },
      [
        Refusal.maxDurationExceeded,
        'That would make this grant last 13h; the most is 12h. Ask for a new grant instead.',
      ],
    ],
    [
      'a non-approver extends past the longest total (the length is said first)',
      { actor: EVE, durationMs: 9 * HOUR },
      [
        Refusal.maxDurationExceeded,
        'That would make this grant last 13h; the most is 12h. Ask for a new grant instead.',
      ],
    ],
  ];
  for (const [story, facts, answer] of rows) {
    it(`${story}: ${said(answer)}`, () => check(mayExtend({ ...active, ...facts }), answer));
  }
});

describe('who may revoke from Slack and see the live grants', function () {
  const revokes: [string, string, Answer][] = [
    ['the requester', ALICE.slackUserId, true],
    ['an approver', BOB, true],
    ['anyone else', EVE, [Refusal.notAllowed, 'Only the requester or an approver can revoke this access.']],
  ];
  for (const [who, actor, answer] of revokes) {
    it(`${who} revokes: ${said(answer)}`, () =>
      check(mayRevoke({ actor, requester: ALICE, approvers: APPROVERS }), answer));
  }
  it('nobody but the requester may revoke while the approvers are unknown', () => {
    check(mayRevoke({ actor: ALICE.slackUserId, requester: ALICE, approvers: undefined }), true);
    assert.equal(mayRevoke({ actor: BOB, requester: ALICE, approvers: undefined }).allowed, false);
  });

  const listings: [string, string, Answer][] = [
    ['an approver', BOB, true],
    [
      'anyone else',
      EVE,
      [
        Refusal.notAllowed,
        'Only Keycard approvers can see who holds production access. `/prod-access history` shows your own grants.',
      ],
    ],
  ];
  for (const [who, actor, answer] of listings) {
    it(`${who} asks who holds access: ${said(answer)}`, () =>
      check(maySeeLiveGrants({ actor, approvers: APPROVERS }), answer));
  }
});
