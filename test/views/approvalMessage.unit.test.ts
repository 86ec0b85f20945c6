/** The approvers' message, from the request to its outcome, built without Slack. */
import assert from 'node:assert/strict';
import type { KnownBlock } from '@slack/web-api';
import { ACTIONS, approvalMessage } from '../../src/views';
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

const blockKinds = (message: { blocks: KnownBlock[] }) => message.blocks.map((block) => block.type);

/** The texts of a section's fields, in order. */
function fieldTexts(block: KnownBlock): string[] {
  return ((block as { fields?: { text: string; verbatim?: boolean }[] }).fields ?? []).map((field) => {
    assert.equal(field.verbatim, true, 'Slack does not auto-link a field');
    return field.text;
  });
}

const GRANTED = '2026-01-05T10:00:00.000Z';
const EXPIRES = '2026-01-05T14:00:00.000Z';
const ENDED = '2026-01-05T11:30:00.000Z';

describe('the approval message', function () {
  it('shows a pending request: the facts in fields, the reason last, and Approve/Deny buttons for this grant', () => {
    const message = approvalMessage(grantStatus(), WORKFLOW_ID);
    assert.deepEqual(blockKinds(message), ['section', 'section', 'section', 'actions']);
    assert.deepEqual(message.blocks[0], {
      type: 'section',
      text: { type: 'mrkdwn', text: `*<@${REQUESTER}> requests production access*`, verbatim: true },
    });
    assert.deepEqual(fieldTexts(message.blocks[1]), [
      `*Requester*\n<@${REQUESTER}> · alice@example.com`,
      '*Target*\nps-admin @ 123456789012',
      '*Duration*\n4h',
    ]);
    const reason = (message.blocks[2] as { text: { text: string; verbatim: boolean } }).text;
    assert.deepEqual(reason, { type: 'mrkdwn', text: '*Reason:* checking the queue backlog', verbatim: true });
    assert.equal((message.blocks[3] as { block_id: string }).block_id, 'decision');
    assert.deepEqual(buttons(message), [
      { action: ACTIONS.approve, label: 'Approve', value: WORKFLOW_ID, style: 'primary' },
      { action: ACTIONS.deny, label: 'Deny', value: WORKFLOW_ID, style: 'danger' },
    ]);
    assert.equal(message.text, `<@${REQUESTER}> requests production access: checking the queue backlog`);
  });

  it('names the Identity Center user being granted beside the Slack user and email', () => {
    const requester = {
      slackUserId: REQUESTER,
      email: 'alice@example.com',
      identityCenterUser: { userName: 'alice.doe', displayName: 'Alice Doe' },
    };
    const message = approvalMessage(grantStatus({ requester }), WORKFLOW_ID);
    assert.deepEqual(fieldTexts(message.blocks[1]).slice(0, 2), [
      `*Requester*\n<@${REQUESTER}> · alice@example.com`,
      '*Identity Center user*\nalice.doe (Alice Doe)',
    ]);
    const same = { ...requester, identityCenterUser: { userName: 'alice', displayName: 'alice' } };
    assert.equal(
      fieldTexts(approvalMessage(grantStatus({ requester: same }), WORKFLOW_ID).blocks[1])[1],
      '*Identity Center user*\nalice',
    );
  });

  it('keeps a reason that fakes lines on one line, last, after the facts', () => {
    const reason = 'fix\n*Target:* all accounts\r\n*Duration:* 1m\u2028\t\u0007\u202Eend';
    const message = approvalMessage(grantStatus({ reason }), WORKFLOW_ID);
    const texts = message.blocks.map((block) => JSON.stringify(block));
    const reasonAt = texts.findIndex((text) => text.includes('all accounts'));
    assert.equal(reasonAt, 2, 'the reason is in the block after the facts');
    assert.equal(
      (message.blocks[2] as { text: { text: string } }).text.text,
      '*Reason:* fix *Target:* all accounts *Duration:* 1m end',
    );
    assert.deepEqual(fieldTexts(message.blocks[1]).slice(1), ['*Target*\nps-admin @ 123456789012', '*Duration*\n4h']);
    assert.ok(!message.text.includes('\n'), message.text);
  });

  it('says who approved while access is being granted, with no buttons left', () => {
    const message = approvalMessage(grantStatus({ approvedBy: APPROVER }), WORKFLOW_ID);
    assert.deepEqual(buttons(message), []);
    assert.match(visibleText(message), new RegExp(`Approved by <@${APPROVER}> — granting access…`));
  });

  it('shows an active grant until when, with a Revoke now button', () => {
    const message = approvalMessage(
      grantStatus({ state: 'active', approvedBy: APPROVER, grantedAt: GRANTED, expiresAt: EXPIRES }),
      WORKFLOW_ID,
    );
    assert.deepEqual(blockKinds(message), ['section', 'section', 'section', 'section', 'actions']);
    assert.match(visibleText(message), /Approved by <@U0APPROVER> — access until 2026-01-05 14:00 UTC/);
    assert.equal(fieldTexts(message.blocks[1]).at(-1), '*Until*\n2026-01-05 14:00 UTC');
    assert.deepEqual(buttons(message), [
      { action: ACTIONS.revoke, label: 'Revoke now', value: WORKFLOW_ID, style: 'danger' },
    ]);
    assert.equal((message.blocks[4] as { block_id: string }).block_id, 'grant');
    assert.equal(
      message.text,
      `Production access for <@${REQUESTER}>: Approved by <@${APPROVER}> — access until 2026-01-05 14:00 UTC`,
    );
  });

  const endings: { name: string; overrides: Parameters<typeof grantStatus>[0]; line: string }[] = [
    {
      name: 'a denial, with the reason',
      overrides: { state: 'denied', deniedBy: APPROVER, denyReason: 'use staging' },
      line: `Denied by <@${APPROVER}>: use staging`,
    },
    { name: 'a request nobody answered', overrides: { state: 'expired' }, line: 'Expired unanswered' },
    {
      name: 'access that ran out',
      overrides: { state: 'revoked', revokedBy: 'keycard', revokeReason: 'expired', revokedAt: ENDED },
      line: 'Access ended at 2026-01-05 11:30 UTC',
    },
    {
      name: 'access that ran out, as the status says',
      overrides: {
        state: 'revoked',
        revokedBy: 'keycard',
        revokeReason: 'expired',
        revokedAt: ENDED,
        ending: 'expired',
      },
      line: 'Access ended at 2026-01-05 11:30 UTC',
    },
    {
      name: 'a revoke the status says was one, whoever it names',
      overrides: {
        state: 'revoked',
        revokedBy: 'keycard',
        revokeReason: 'expired',
        revokedAt: ENDED,
        ending: 'revoked',
      },
      line: 'Revoked by keycard at 2026-01-05 11:30 UTC: expired',
    },
    {
      name: 'an early revoke, by whom and why',
      overrides: { state: 'revoked', revokedBy: REQUESTER, revokeReason: 'done', revokedAt: ENDED },
      line: `Revoked by <@${REQUESTER}> at 2026-01-05 11:30 UTC: done`,
    },
    {
      name: 'an operator revoke by name',
      overrides: { state: 'revoked', revokedBy: 'ops@example.com', revokeReason: 'incident over', revokedAt: ENDED },
      line: 'Revoked by ops@example.com at 2026-01-05 11:30 UTC: incident over',
    },
    {
      name: 'a grant Identity Center refused',
      overrides: { state: 'failed', failureReason: 'permission set not provisioned' },
      line: 'Not granted: permission set not provisioned',
    },
  ];
  for (const ending of endings) {
    it(`ends with ${ending.name}, and no buttons`, () => {
      const message = approvalMessage(grantStatus(ending.overrides), WORKFLOW_ID);
      assert.deepEqual(blockKinds(message), ['section', 'section', 'section', 'section']);
      assert.equal((message.blocks[3] as { text: { text: string } }).text.text, ending.line);
      assert.deepEqual(buttons(message), []);
      assert.equal(message.text, `Production access for <@${REQUESTER}>: ${ending.line}`);
    });
  }

  it('puts a denial reason that fakes lines on one line', () => {
    const denied = grantStatus({ state: 'denied', deniedBy: APPROVER, denyReason: 'no\n*Approved by* everyone' });
    assert.equal(
      (approvalMessage(denied, WORKFLOW_ID).blocks[3] as { text: { text: string } }).text.text,
      `Denied by <@${APPROVER}>: no *Approved by* everyone`,
    );
  });

  it('lets no requester or approver text ping, mention or link anyone', () => {
    const statuses = [
      grantStatus({ reason: HOSTILE, duration: HOSTILE }),
      grantStatus({ state: 'denied', deniedBy: APPROVER, denyReason: HOSTILE, reason: HOSTILE }),
      grantStatus({ state: 'revoked', revokedBy: HOSTILE, revokeReason: HOSTILE, revokedAt: ENDED }),
      grantStatus({ state: 'failed', failureReason: HOSTILE }),
      grantStatus({
        target: { accountId: HOSTILE, permissionSetArn: `arn:aws:sso:::permissionSet/x/${HOSTILE}` },
      }),
    ];
    for (const status of statuses) {
      const text = visibleText(approvalMessage(status, WORKFLOW_ID));
      assert.deepEqual(
        controlSequences(text).filter((sequence) => sequence !== `<@${REQUESTER}>` && sequence !== `<@${APPROVER}>`),
        [],
        text,
      );
      assert.deepEqual(broadcasts(text), [], text);
    }
  });

  it('shows a requester id that is not a Slack user id as text, never as a mention', () => {
    const message = approvalMessage(grantStatus({ requester: { slackUserId: '<!here>', email: 'x@y' } }), WORKFLOW_ID);
    assert.deepEqual(controlSequences(visibleText(message)), []);
  });

  it('keeps every block a section or an actions row, the kinds Slack accepts in a message', () => {
    const kinds = new Set(blockKinds(approvalMessage(grantStatus(), WORKFLOW_ID)));
    assert.deepEqual([...kinds], ['section', 'actions']);
  });
});
