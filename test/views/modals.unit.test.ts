/** The deny and extension modals, built without Slack. */
import assert from 'node:assert/strict';
import type { ModalView } from '@slack/web-api';
import { DENY_MODAL, denyModal, EXTENSION_MODAL, extensionModal } from '../../src/views';
import { WORKFLOW_ID } from './grantStatus';

interface Input {
  type: string;
  block_id: string;
  label: { text: string };
  element: { type: string; action_id: string; max_length: number; multiline?: boolean; initial_value?: string };
}

describe('the modals', function () {
  it('asks a denying approver why, for the requester to read, carrying only the workflow id', () => {
    const view = denyModal(WORKFLOW_ID) as ModalView;
    assert.equal(view.type, 'modal');
    assert.equal(view.callback_id, DENY_MODAL.callbackId);
    assert.equal(view.private_metadata, WORKFLOW_ID);
    assert.equal(view.title?.text, 'Deny access');
    assert.equal(view.submit?.text, 'Deny');
    assert.equal(view.close?.text, 'Cancel');
    assert.deepEqual(view.blocks as unknown as Input[], [
      {
        type: 'input',
        block_id: DENY_MODAL.block,
        label: { type: 'plain_text', text: 'Why? The requester sees this.' },
        element: { type: 'plain_text_input', action_id: DENY_MODAL.action, max_length: 500, multiline: true },
      },
    ]);
  });

  it('asks a requester how much longer (1h unless changed) and why, for the approvers', () => {
    const view = extensionModal(WORKFLOW_ID) as ModalView;
    assert.equal(view.callback_id, EXTENSION_MODAL.callbackId);
    assert.equal(view.private_metadata, WORKFLOW_ID);
    assert.equal(view.title?.text, 'Request extension');
    assert.equal(view.submit?.text, 'Ask approvers');
    assert.deepEqual(view.blocks as unknown as Input[], [
      {
        type: 'input',
        block_id: EXTENSION_MODAL.durationBlock,
        label: { type: 'plain_text', text: 'How much longer? (e.g. 30m, 1h)' },
        element: {
          type: 'plain_text_input',
          action_id: EXTENSION_MODAL.durationAction,
          max_length: 10,
          initial_value: '1h',
        },
      },
      {
        type: 'input',
        block_id: EXTENSION_MODAL.reasonBlock,
        label: { type: 'plain_text', text: 'Why? The approvers see this.' },
        element: {
          type: 'plain_text_input',
          action_id: EXTENSION_MODAL.reasonAction,
          max_length: 500,
          multiline: true,
        },
      },
    ]);
  });

  it('keeps titles within Slack’s 24 characters', () => {
    for (const view of [denyModal(WORKFLOW_ID), extensionModal(WORKFLOW_ID)] as ModalView[]) {
      assert.ok((view.title?.text.length ?? 0) <= 24);
      assert.ok((view.submit?.text.length ?? 0) <= 24);
    }
  });
});
