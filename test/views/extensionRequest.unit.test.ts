/** An extension request in the approvers' channel, and its outcome, built without Slack. */
import assert from 'node:assert/strict';
import { ACTIONS, extensionRequestMessage } from '../../src/views';
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
const ASKED = '2026-01-05T13:45:00.000Z';

const active = (overrides: Parameters<typeof grantStatus>[0] = {}) =>
  grantStatus({ state: 'active', expiresAt: EXPIRES, maxTotalDuration: '12h', ...overrides });

describe('the extension request message', function () {
  it('asks the approvers: by how much, why, when it now ends, with Approve extension/Deny buttons', () => {
    const status = active({
      pendingExtension: { by: REQUESTER, duration: '1h', reason: 'migration still running', requestedAt: ASKED },
    });
    const message = extensionRequestMessage(status, WORKFLOW_ID, 'extension_requested');
    assert.equal(message.text, `<@${REQUESTER}> asks to extend production access by 1h`);
    assert.equal(
      (message.blocks[0] as { text: { text: string } }).text.text,
      `*<@${REQUESTER}> asks to extend production access*`,
    );
    assert.deepEqual(
      ((message.blocks[1] as { fields: { text: string }[] }).fields ?? []).map((field) => field.text),
      [
        `*Requester*\n<@${REQUESTER}> · alice@example.com`,
        '*Target*\nps-admin @ 123456789012',
        '*By*\n1h',
        '*Now ends*\n2026-01-05 14:00 UTC · at most 12h in all',
      ],
    );
    assert.equal((message.blocks[2] as { text: { text: string } }).text.text, '*Reason:* migration still running');
    assert.equal((message.blocks[3] as { block_id: string }).block_id, 'extension_decision');
    assert.deepEqual(buttons(message), [
      { action: ACTIONS.approve, label: 'Approve extension', value: WORKFLOW_ID, style: 'primary' },
      { action: ACTIONS.deny, label: 'Deny', value: WORKFLOW_ID, style: 'danger' },
    ]);
  });

  it('shows who extended it and the new end, with no buttons left', () => {
    const status = active({ history: [{ at: ASKED, type: 'extended', actor: APPROVER, reason: 'ok' }] });
    const message = extensionRequestMessage(status, '', 'extended');
    assert.equal(message.text, `Extended by <@${APPROVER}> — access until 2026-01-05 14:00 UTC`);
    assert.equal(message.blocks.length, 3);
    assert.equal((message.blocks[2] as { text: { text: string } }).text.text, message.text);
    assert.deepEqual(buttons(message), []);
  });

  it('shows who denied it and why, with no buttons left', () => {
    const status = active({ history: [{ at: ASKED, type: 'extension_denied', actor: APPROVER, reason: 'wrap up' }] });
    const message = extensionRequestMessage(status, '', 'extension_denied');
    assert.equal(message.text, `Extension denied by <@${APPROVER}>: wrap up`);
    assert.deepEqual(buttons(message), []);
  });

  it('keeps a reason that fakes lines on one line, last, after the facts', () => {
    const status = active({
      pendingExtension: {
        by: REQUESTER,
        duration: '1h',
        reason: 'more\n*By:* 8h\n*Now ends:* never',
        requestedAt: ASKED,
      },
    });
    const message = extensionRequestMessage(status, WORKFLOW_ID, 'extension_requested');
    assert.equal(
      (message.blocks[2] as { text: { text: string } }).text.text,
      '*Reason:* more *By:* 8h *Now ends:* never',
    );
    assert.ok(!JSON.stringify(message.blocks.slice(0, 2)).includes('never'), 'the reason is not among the facts');
  });

  it('lets no duration, reason or actor text ping, mention or link anyone', () => {
    const status = active({
      maxTotalDuration: HOSTILE,
      pendingExtension: { by: REQUESTER, duration: HOSTILE, reason: HOSTILE, requestedAt: ASKED },
      history: [{ at: ASKED, type: 'extension_denied', actor: HOSTILE, reason: HOSTILE }],
    });
    for (const event of ['extension_requested', 'extended', 'extension_denied'] as const) {
      const text = visibleText(extensionRequestMessage(status, WORKFLOW_ID, event));
      assert.deepEqual(
        controlSequences(text).filter((sequence) => sequence !== `<@${REQUESTER}>`),
        [],
        text,
      );
      assert.deepEqual(broadcasts(text), [], text);
    }
  });
});
