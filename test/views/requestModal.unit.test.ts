/** The request modal and the pending request's Cancel button, built without Slack. */
import assert from 'node:assert/strict';
import type { ModalView } from '@slack/web-api';
import type { CatalogTarget } from '../../src/domain/catalog';
import { CANCEL_REQUEST_ACTION, pendingConfirmation, REQUEST_MODAL, requestModal } from '../../src/views/requestModal';
import { BLOCK_KIT_LIMITS, blockKitProblem } from '../support/blockKitLimits';

const HOUR = 3_600_000;

function target(key: string, name: string, choicesMs: number[], maxMs = 8 * HOUR): CatalogTarget {
  return {
    key,
    name,
    accounts: [{ id: '111122223333', name: 'payments-prod' }],
    permissionSetArn: `arn:aws:sso:::permissionSet/ssoins-1/ps-${key}`,
    duration: { defaultMs: HOUR, maxMs, choicesMs },
    approvers: ['S0SRE'],
  };
}

const ADMIN = target('prod-admin', 'Production admin', [HOUR, 2 * HOUR, 4 * HOUR]);
const READ = target('prod-read', 'Production read-only', [], 2 * HOUR);

interface Select {
  type: string;
  action_id: string;
  options: { text: { text: string }; value: string }[];
  initial_option?: { value: string };
}
interface Input {
  block_id: string;
  optional?: boolean;
  element: Select & { initial_value?: string; max_length?: number };
}

function blocksOf(view: ModalView): Record<string, Input> {
  return Object.fromEntries((view.blocks as unknown as Input[]).map((block) => [block.block_id, block]));
}

describe('the request modal', function () {
  it('offers only the targets given, none chosen, every target’s durations, and the typed reason', () => {
    const view = requestModal({ targets: [ADMIN, READ], reason: 'fix the queue', requestId: 'req-1' }) as ModalView;
    assert.equal(view.callback_id, REQUEST_MODAL.callbackId);
    assert.equal(view.private_metadata, 'req-1', 'the submission starts this request id, once');
    assert.equal(view.submit?.text, 'Ask approvers');
    const blocks = blocksOf(view);
    assert.equal(
      (blocks[REQUEST_MODAL.targetBlock] as Input & { dispatch_action?: boolean }).dispatch_action,
      true,
      'choosing a target redraws the durations',
    );
    const targetSelect = blocks[REQUEST_MODAL.targetBlock].element;
    assert.equal(targetSelect.type, 'static_select');
    assert.equal(targetSelect.action_id, REQUEST_MODAL.targetAction);
    assert.deepEqual(
      targetSelect.options.map((o) => [o.text.text, o.value]),
      [
        ['Production admin', 'prod-admin'],
        ['Production read-only', 'prod-read'],
      ],
    );
    assert.equal(targetSelect.initial_option, undefined);
    const durations = blocks[REQUEST_MODAL.durationBlock];
    assert.equal(durations.optional, true, 'no choice means the target’s default');
    assert.deepEqual(
      durations.element.options.map((o) => o.value),
      ['1h', '2h', '4h'],
    );
    assert.equal(durations.element.initial_option, undefined);
    const reason = blocks[REQUEST_MODAL.reasonBlock].element;
    assert.equal(reason.type, 'plain_text_input');
    assert.equal(reason.initial_value, 'fix the queue');
    assert.equal(reason.max_length, 500);
    assert.equal(blockKitProblem(view.blocks, BLOCK_KIT_LIMITS.viewBlocks), undefined);
  });

  it('with a target named, shows it chosen, its own durations, its default chosen', () => {
    const view = requestModal({ targets: [ADMIN, READ], target: READ, reason: '', requestId: 'req-2' }) as ModalView;
    const blocks = blocksOf(view);
    assert.equal(blocks[REQUEST_MODAL.targetBlock].element.initial_option?.value, 'prod-read');
    assert.deepEqual(
      blocks[REQUEST_MODAL.durationBlock].element.options.map((o) => o.value),
      ['1h', '2h'],
      'a target with no choices offers its default and its max',
    );
    assert.equal(blocks[REQUEST_MODAL.durationBlock].element.initial_option?.value, '1h');
    assert.equal(blocks[REQUEST_MODAL.reasonBlock].element.initial_value, undefined);
  });

  it('keeps a typed duration chosen, offered even when not among the choices', () => {
    const view = requestModal({ targets: [ADMIN], durationMs: 1.5 * HOUR, reason: 'x', requestId: 'r' }) as ModalView;
    const durations = blocksOf(view)[REQUEST_MODAL.durationBlock].element;
    assert.deepEqual(
      durations.options.map((o) => o.value),
      ['1h', '1h30m', '2h', '4h'],
    );
    assert.equal(durations.initial_option?.value, '1h30m');
    assert.equal(blocksOf(view)[REQUEST_MODAL.targetBlock].element.initial_option?.value, 'prod-admin');
  });
});

describe('the pending request’s confirmation', function () {
  it('carries a Cancel request button whose value is the workflow id only', () => {
    const message = pendingConfirmation('Your request is waiting.', 'prod-access-0123');
    assert.equal(message.text, 'Your request is waiting.');
    const actions = message.blocks[1] as { type: string; elements: { action_id: string; value: string }[] };
    assert.equal(actions.type, 'actions');
    assert.deepEqual(
      actions.elements.map((e) => [e.action_id, e.value]),
      [[CANCEL_REQUEST_ACTION, 'prod-access-0123']],
    );
  });
});
