/** `/prod-access who` and `/prod-access history`, built without Slack or Temporal. */
import assert from 'node:assert/strict';
import { grantHistoryMessage, liveGrantsMessage, type GrantListing } from '../../src/views';
import { MAX_LISTED } from '../../src/views/grantListing';
import { APPROVER, broadcasts, controlSequences, HOSTILE, REQUESTER, visibleText, WORKFLOW_ID } from './grantStatus';

const NOW = new Date('2026-01-05T12:00:00Z');
const TARGET = '123456789012/arn:aws:sso:::permissionSet/ssoins-1/ps-admin';

function listing(overrides: Partial<GrantListing> = {}): GrantListing {
  return {
    workflowId: WORKFLOW_ID,
    state: 'active',
    running: true,
    requesterEmail: 'alice@example.com',
    requesterSlackId: REQUESTER,
    target: TARGET,
    reason: 'checking the queue backlog',
    approver: APPROVER,
    requestedAt: '2026-01-05T09:55:00Z',
    grantedAt: '2026-01-05T10:00:00Z',
    expiresAt: '2026-01-05T14:00:00Z',
    ...overrides,
  };
}

const lines = (message: { blocks: unknown[] }) =>
  message.blocks.map((block) => (block as { text: { text: string } }).text.text);

describe('who holds access now (/prod-access who)', function () {
  it('says so when nobody does', () => {
    const message = liveGrantsMessage([], NOW);
    assert.equal(message.text, 'Nobody holds production access through Keycard right now.');
  });

  it('lists each grant: who, where, since and until when, approved by whom, and why', () => {
    const message = liveGrantsMessage([listing()], NOW);
    assert.equal(message.text, '1 live production access grant');
    assert.deepEqual(lines(message), [
      '*1 live production access grant*',
      `<@${REQUESTER}> (alice@example.com) · ps-admin @ 123456789012 since 10:00 UTC until 14:00 UTC` +
        ` · approved by <@${APPROVER}>\n>checking the queue backlog`,
    ]);
  });

  it('warns about a grant whose workflow stopped, and shows what visibility alone knows', () => {
    const message = liveGrantsMessage(
      [listing({ running: false, requesterSlackId: undefined, reason: undefined, approver: undefined })],
      NOW,
    );
    assert.equal(
      lines(message)[1],
      'alice@example.com · ps-admin @ 123456789012 since 10:00 UTC until 14:00 UTC\n' +
        ':warning: Its workflow is no longer running: the reconciler will revoke it (or run `keycard reconcile`).',
    );
  });

  it(`lists at most ${MAX_LISTED} and says how to see the rest`, () => {
    const message = liveGrantsMessage(
      Array.from({ length: MAX_LISTED + 3 }, () => listing()),
      NOW,
    );
    assert.equal(message.blocks.length, MAX_LISTED + 2);
    assert.equal(
      lines(message).at(-1),
      `…and 3 more: \`temporal workflow list --query 'ProdAccessState="active"'\` lists them all.`,
    );
  });

  it('keeps a reason on its one quoted line and lets it ping, mention or link nobody', () => {
    const message = liveGrantsMessage(
      [listing({ reason: `${HOSTILE}\n*Approved by* <@U0BOSS>`, requesterEmail: HOSTILE, target: `x/${HOSTILE}` })],
      NOW,
    );
    const line = lines(message)[1];
    assert.equal(line.split('\n').length, 2);
    assert.ok(line.split('\n')[1].startsWith('>'));
    const text = visibleText(message);
    assert.deepEqual(
      controlSequences(text).filter((sequence) => sequence !== `<@${REQUESTER}>` && sequence !== `<@${APPROVER}>`),
      [],
    );
    assert.deepEqual(broadcasts(text), []);
  });
});

describe('a requester’s own history (/prod-access history)', function () {
  it('says so when they never asked', () => {
    assert.equal(grantHistoryMessage([], NOW).text, 'You have not asked for production access through Keycard yet.');
  });

  it('shows what became of each request, newest first as given', () => {
    const message = grantHistoryMessage(
      [
        listing(),
        listing({ state: 'revoked', endedAt: '2026-01-04T12:00:00Z', requestedAt: '2026-01-04T08:00:00Z' }),
        listing({ state: 'pending', grantedAt: undefined, approver: undefined }),
        listing({ state: 'expired', grantedAt: undefined, approver: undefined, reason: undefined }),
        listing({ state: 'denied', grantedAt: undefined }),
        listing({ state: 'active', running: false }),
      ],
      NOW,
    );
    assert.equal(message.text, 'Your last 6 production access requests');
    assert.deepEqual(lines(message).slice(1), [
      `09:55 UTC · ps-admin @ 123456789012 · active until 14:00 UTC · granted 10:00 UTC by <@${APPROVER}>\n>checking the queue backlog`,
      `2026-01-04 08:00 UTC · ps-admin @ 123456789012 · ended at 2026-01-04 12:00 UTC · granted 10:00 UTC by <@${APPROVER}>\n>checking the queue backlog`,
      '09:55 UTC · ps-admin @ 123456789012 · waiting for an approver\n>checking the queue backlog',
      '09:55 UTC · ps-admin @ 123456789012 · expired unanswered',
      '09:55 UTC · ps-admin @ 123456789012 · denied\n>checking the queue backlog',
      `09:55 UTC · ps-admin @ 123456789012 · active, its workflow stopped (the reconciler will revoke it) · granted 10:00 UTC by <@${APPROVER}>\n>checking the queue backlog`,
    ]);
  });

  it('says "unknown target" when visibility has none, and escapes a state it does not know', () => {
    const message = grantHistoryMessage([listing({ target: undefined, state: '<!here>', grantedAt: undefined })], NOW);
    assert.equal(lines(message)[1], '09:55 UTC · unknown target · &lt;!here&gt;\n>checking the queue backlog');
  });
});
