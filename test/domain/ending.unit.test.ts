/** How a grant ended: said by the status, or told from an older status that does not say it. */
import assert from 'node:assert/strict';
import { endingOf, EXPIRY, handOverReason, revocationEnding, type EndingFacts } from '../../src/domain/ending';
import type { GrantEnding } from '../../src/domain/grant';

describe('how a grant ended', function () {
  const said: [GrantEnding, EndingFacts][] = [
    ['expired', { state: 'revoked', ending: 'expired', revokedBy: 'keycard', revokeReason: 'expired' }],
    ['revoked', { state: 'revoked', ending: 'revoked', revokedBy: 'U0BOB', revokeReason: 'done' }],
    ['handed_over', { state: 'revoked', ending: 'handed_over', revokedBy: 'keycard', revokeReason: 'expired; …' }],
    ['withdrawn', { state: 'revoked', ending: 'withdrawn', revokedBy: 'U0BOB', revokeReason: 'not needed' }],
    ['denied', { state: 'denied', ending: 'denied' }],
    ['unanswered', { state: 'expired', ending: 'unanswered' }],
    ['failed', { state: 'failed', ending: 'failed' }],
  ];
  for (const [ending, status] of said) {
    it(`a status that says "${ending}" ended so`, () => assert.equal(endingOf(status), ending));
  }

  it('the said ending wins over what the revocation looks like', () => {
    // Someone signalled a revoke as "keycard", "expired": the workflow knows it was a revoke, not the expiry.
    assert.equal(
      endingOf({ state: 'revoked', ending: 'revoked', revokedBy: 'keycard', revokeReason: 'expired' }),
      'revoked',
    );
  });

  it('a live grant has not ended', () => {
    assert.equal(endingOf({ state: 'pending' }), undefined);
    assert.equal(endingOf({ state: 'active' }), undefined);
  });

  const older: [string, EndingFacts, GrantEnding][] = [
    ['access removed at its expiry', { state: 'revoked', revokedBy: 'keycard', revokeReason: 'expired' }, 'expired'],
    ['a revoke by a person', { state: 'revoked', revokedBy: 'U0BOB', revokeReason: 'done' }, 'revoked'],
    [
      'a revoke by an operator saying "expired"',
      { state: 'revoked', revokedBy: 'ops', revokeReason: 'expired' },
      'revoked',
    ],
    ['a cancellation', { state: 'revoked', revokedBy: 'temporal', revokeReason: 'workflow cancelled' }, 'revoked'],
    [
      'a hand-over to a later lease',
      { state: 'revoked', revokedBy: 'keycard', revokeReason: handOverReason('prod-access-2', '2026-01-05T14:00:00Z') },
      'handed_over',
    ],
    [
      'a grant Keycard revoked for another reason',
      { state: 'revoked', revokedBy: 'keycard', revokeReason: 'x' },
      'revoked',
    ],
    ['a denial', { state: 'denied' }, 'denied'],
    ['a request nobody answered', { state: 'expired' }, 'unanswered'],
    ['a failed grant', { state: 'failed' }, 'failed'],
  ];
  for (const [story, status, ending] of older) {
    it(`a status of older code, without an ending: ${story} reads as "${ending}"`, () =>
      assert.equal(endingOf(status), ending));
  }

  it('Keycard’s own revocation at the expiry reads as the expiry', () => {
    assert.equal(revocationEnding(EXPIRY), 'expired');
    assert.equal(revocationEnding({ by: 'keycard', reason: handOverReason('prod-access-2', 'later') }), 'handed_over');
    assert.equal(revocationEnding({ by: 'U0BOB', reason: 'expired' }), 'revoked');
    assert.equal(revocationEnding({}), 'revoked');
  });
});
