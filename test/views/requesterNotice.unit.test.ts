/** The requester's direct messages, one per event, built without Slack. */
import assert from 'node:assert/strict';
import type { NoticeType } from '../../src/domain/grant';
import { ACTIONS, requesterNotice } from '../../src/views';
import {
  APPROVER,
  broadcasts,
  buttons,
  controlSequences,
  grantStatus,
  HOSTILE,
  REQUESTER,
  visibleText,
  WORKFLOW_ID,
} from './grantStatus';

const EXPIRES = '2026-01-05T14:00:00.000Z';
const ENDED = '2026-01-05T11:30:00.000Z';
const WHAT = 'production access (ps-admin @ 123456789012)';

describe('the requester’s direct messages', function () {
  const rows: { event: NoticeType; overrides: Parameters<typeof grantStatus>[0]; text: string }[] = [
    {
      event: 'approved',
      overrides: { approvedBy: APPROVER },
      text: `<@${APPROVER}> approved your request for ${WHAT}. Granting it now…`,
    },
    {
      event: 'denied',
      overrides: { state: 'denied', deniedBy: APPROVER, denyReason: 'use staging' },
      text: `<@${APPROVER}> denied your request for ${WHAT}: use staging`,
    },
    {
      event: 'expired',
      overrides: { state: 'expired' },
      text: `Your request for ${WHAT} expired: no approver answered in time. Ask again if you still need it.`,
    },
    {
      event: 'revoked',
      overrides: { state: 'revoked', revokedBy: 'keycard', revokeReason: 'expired', revokedAt: ENDED },
      text: `Your ${WHAT} ended at 2026-01-05 11:30 UTC.`,
    },
    {
      event: 'revoked',
      overrides: { state: 'revoked', revokedBy: APPROVER, revokeReason: 'incident over', revokedAt: ENDED },
      text: `Your ${WHAT} was revoked by <@${APPROVER}> at 2026-01-05 11:30 UTC: incident over`,
    },
    {
      event: 'grant_failed',
      overrides: { state: 'failed', failureReason: 'no such permission set' },
      text: `Your ${WHAT} could not be granted: no such permission set`,
    },
    {
      event: 'extended',
      overrides: {
        state: 'active',
        expiresAt: EXPIRES,
        history: [{ at: ENDED, type: 'extended', actor: APPROVER, reason: 'still on it' }],
      },
      text: `<@${APPROVER}> extended your ${WHAT} until 2026-01-05 14:00 UTC.`,
    },
    {
      event: 'extension_denied',
      overrides: {
        state: 'active',
        expiresAt: EXPIRES,
        history: [{ at: ENDED, type: 'extension_denied', actor: APPROVER, reason: 'wrap up' }],
      },
      text: `<@${APPROVER}> denied your extension: wrap up. Your access still ends at 2026-01-05 14:00 UTC.`,
    },
  ];
  for (const row of rows) {
    it(`after "${row.event}" says: ${row.text}`, () => {
      const message = requesterNotice(grantStatus(row.overrides), row.event, WORKFLOW_ID);
      assert.ok(message);
      assert.equal(message.text, row.text);
      assert.equal(message.blocks.length, 1);
      assert.equal((message.blocks[0] as { text: { text: string } }).text.text, row.text);
      assert.deepEqual(buttons(message), []);
    });
  }

  it('tells a granted requester until when, with a Revoke now button for the grant', () => {
    const message = requesterNotice(grantStatus({ state: 'active', expiresAt: EXPIRES }), 'granted', WORKFLOW_ID);
    assert.ok(message);
    assert.equal(message.text, `You have ${WHAT} until 2026-01-05 14:00 UTC.`);
    assert.deepEqual(buttons(message), [
      { action: ACTIONS.revoke, label: 'Revoke now', value: WORKFLOW_ID, style: 'danger' },
    ]);
  });

  it('warns before the end, with a Request extension button', () => {
    const message = requesterNotice(
      grantStatus({ state: 'active', expiresAt: EXPIRES }),
      'expiry_warning',
      WORKFLOW_ID,
    );
    assert.ok(message);
    assert.equal(message.text, 'Your prod access ends at 2026-01-05 14:00 UTC.');
    assert.equal((message.blocks[1] as { block_id: string }).block_id, 'extension');
    assert.deepEqual(buttons(message), [
      { action: ACTIONS.requestExtension, label: 'Request extension', value: WORKFLOW_ID, style: 'primary' },
    ]);
  });

  for (const event of ['requested', 'extension_requested', 'revoke_failing'] as NoticeType[]) {
    it(`sends nothing after "${event}", which is not the requester's to hear about`, () => {
      assert.equal(requesterNotice(grantStatus(), event, WORKFLOW_ID), undefined);
    });
  }

  it('lets no reason or actor text ping, mention or link anyone', () => {
    const hostile = grantStatus({
      state: 'revoked',
      approvedBy: HOSTILE,
      deniedBy: HOSTILE,
      denyReason: HOSTILE,
      revokedBy: HOSTILE,
      revokeReason: HOSTILE,
      revokedAt: ENDED,
      failureReason: HOSTILE,
      expiresAt: EXPIRES,
      history: [{ at: ENDED, type: 'extension_denied', actor: HOSTILE, reason: HOSTILE }],
    });
    for (const event of ['approved', 'denied', 'revoked', 'grant_failed', 'extended', 'extension_denied'] as const) {
      const message = requesterNotice(hostile, event, WORKFLOW_ID);
      assert.ok(message);
      const text = visibleText(message);
      assert.deepEqual(controlSequences(text), [], `${event}: ${text}`);
      assert.deepEqual(broadcasts(text), [], `${event}: ${text}`);
      assert.ok(!text.includes(`<@${REQUESTER}>`));
    }
  });
});
